{#
    is_between(min_value, max_value): the column lies in [min_value, max_value] where it is not
    null (e.g. the CSI on 0–100).
#}
{% test is_between(model, column_name, min_value, max_value) %}

select {{ column_name }} as value
from {{ model }}
where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}

{% endtest %}
