{#
    weights_sum_to_one: the weights in the column sum to 1 (within 1e-9), overall or per group_by
    (the composite weights of settings_kpi, the item weights of each survey type). Returns the
    offending groups.
#}
{% test weights_sum_to_one(model, column_name, group_by=none) %}

select
    {% if group_by %}{{ group_by }} as weight_group,{% endif %}
    sum({{ column_name }}) as weight_sum
from {{ model }}
{% if group_by %}group by {{ group_by }}{% endif %}
having abs(sum({{ column_name }}) - 1) > 1e-9

{% endtest %}
