{#
    after_as_of: an event time as known at the as-of time: null when it lies after as_of
    ("any event time after the as-of time counts as not yet happened", SPEC §4).
#}
{% macro after_as_of(column) -%}
    case when {{ column }} <= {{ as_of() }} then {{ column }} end
{%- endmacro %}
