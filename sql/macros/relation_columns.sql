{#
    relation_columns(relation_sql): the column names a FROM-able expression (such as an
    external source's read_parquet) yields, at execution time; empty while parsing.
#}
{% macro relation_columns(relation_sql) -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set rows = run_query("describe select * from " ~ relation_sql) -%}
    {{ return(rows.columns[0].values() | list) }}
{%- endmacro %}
