{#
    rate_interval_broken(rate, low, high, rate_required): the condition under which a rate and its
    interval are not fractions with 0 ≤ low ≤ rate ≤ high ≤ 1 (a 1e-12 tolerance absorbs
    floating-point rounding). With rate_required the rate and both bounds must be present, else
    rows with a null rate pass. Used by the tests valid_rate_interval and row_checks.
#}
{% macro rate_interval_broken(rate, low, high, rate_required=true) -%}
    (
    {%- if rate_required %}
    {{ rate }} is null or {{ low }} is null or {{ high }} is null or
    {%- else %}
    {{ rate }} is not null and (
    {%- endif %}
    {{ rate }} < 0 or {{ rate }} > 1
    or {{ low }} < 0 or {{ high }} > 1
    or {{ low }} > {{ rate }} + 1e-12
    or {{ high }} < {{ rate }} - 1e-12
    {%- if not rate_required %}){% endif %}
    )
{%- endmacro %}
