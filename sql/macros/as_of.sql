{#
    as_of: the build's as-of time (var as_of, naive local time in the configured zone) as a
    TIMESTAMP literal. Every "now" of the KPIs is this value, never the clock (SPEC §2, §4).
#}
{% macro as_of() -%}
    cast('{{ var("as_of") }}' as timestamp)
{%- endmacro %}
