{#
    quarter_label(ts): the quarter of a timestamp or date as text, e.g. '2026Q3' (SPEC §5).
#}
{% macro quarter_label(ts) -%}
    (cast(year({{ ts }}) as varchar) || 'Q' || cast(quarter({{ ts }}) as varchar))
{%- endmacro %}
