{#
    survey_item_columns(): the configured survey item ids (settings_survey_items), sorted, known
    at execution time only (empty list while dbt parses). Their columns are read by stg_surveys.
#}
{% macro survey_item_columns() -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set rows = run_query(
        "select distinct item from " ~ source('settings', 'settings_survey_items') ~ " order by item"
    ) -%}
    {{ return(rows.columns[0].values() | list) }}
{%- endmacro %}
