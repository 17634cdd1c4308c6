{#
    landing_glob_has_files(pattern): whether a glob under the landing directory matches any file
    at execution time (landing/log/*.parquet may match none; read_parquet would fail on it).
#}
{% macro landing_glob_has_files(pattern) -%}
    {%- if not execute -%}{{ return(false) }}{%- endif -%}
    {%- set rows = run_query(
        "select count(*) from glob('" ~ var('landing_dir') ~ "/" ~ pattern ~ "')"
    ) -%}
    {{ return(rows.columns[0].values()[0] > 0) }}
{%- endmacro %}
