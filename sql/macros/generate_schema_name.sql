{#
    generate_schema_name: a folder's +schema is used as is (staging, intermediate), not prefixed
    with the target schema, so the marts stay in `main` under their SPEC §5 names.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
