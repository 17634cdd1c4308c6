{#
    valid_rate_interval(rate, low, high, rate_required): a rate and its interval are fractions with
    0 ≤ low ≤ rate ≤ high ≤ 1 (macro rate_interval_broken); with rate_required (default) the rate
    and both bounds must be present, else rows with a null rate are not checked. Returns the
    offending rows. (row_checks checks the same with its rate_interval argument.)
#}
{% test valid_rate_interval(model, rate, low, high, rate_required=true) %}

select {{ rate }} as rate, {{ low }} as low, {{ high }} as high
from {{ model }}
where {{ rate_interval_broken(rate, low, high, rate_required) }}

{% endtest %}
