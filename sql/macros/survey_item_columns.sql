{#
    survey_item_columns(): the configured survey item ids (settings_survey_items), sorted, known
    at execution time only (empty list while dbt parses). Their columns are read by stg_surveys.
    The table is named directly (where pipelines/build.py writes it: schema main of the build file,
    as the settings source declares) rather than through source(): a model calling this macro then
    depends on nothing more, and a dbt unit test of it needs no fixture for it (its fixtures give the
    weights; the item columns are those of config/settings.toml).
#}
{% macro survey_item_columns() -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set relation = api.Relation.create(
        database=target.database, schema='main', identifier='settings_survey_items'
    ) -%}
    {%- set rows = run_query("select distinct item from " ~ relation ~ " order by item") -%}
    {{ return(rows.columns[0].values() | list) }}
{%- endmacro %}
