{#
    is_fraction: the column lies in [0, 1] where it is not null (rates, shares, targets, weights).
#}
{% test is_fraction(model, column_name) %}

select {{ column_name }} as value
from {{ model }}
where {{ column_name }} < 0 or {{ column_name }} > 1

{% endtest %}
