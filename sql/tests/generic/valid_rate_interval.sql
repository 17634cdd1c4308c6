{#
    valid_rate_interval(rate, low, high, rate_required): a rate and its interval are fractions with
    0 ≤ low ≤ rate ≤ high ≤ 1 (a 1e-12 tolerance absorbs floating-point rounding); with
    rate_required (default) the rate and both bounds must be present, else rows with a null rate
    are not checked. Returns the offending rows.
#}
{% test valid_rate_interval(model, rate, low, high, rate_required=true) %}

select {{ rate }} as rate, {{ low }} as low, {{ high }} as high
from {{ model }}
where
    {% if rate_required %}
    {{ rate }} is null or {{ low }} is null or {{ high }} is null or
    {% else %}
    {{ rate }} is not null and (
    {% endif %}
    {{ rate }} < 0 or {{ rate }} > 1
    or {{ low }} < 0 or {{ high }} > 1
    or {{ low }} > {{ rate }} + 1e-12
    or {{ high }} < {{ rate }} - 1e-12
    {% if not rate_required %}){% endif %}

{% endtest %}
