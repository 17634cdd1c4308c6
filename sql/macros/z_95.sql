{#
    z_95(): the two-sided 95% standard normal quantile, 1.959964 (the Wilson interval).
#}
{% macro z_95() -%}
    1.959963984540054
{%- endmacro %}
