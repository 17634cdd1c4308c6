{#
    z_95(): the two-sided 95% standard normal quantile, 1.959964 (Wilson and delta-method intervals).
#}
{% macro z_95() -%}
    1.959963984540054
{%- endmacro %}
