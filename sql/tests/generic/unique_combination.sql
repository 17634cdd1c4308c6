{#
    unique_combination(columns): no two rows share the same values of the given columns (the
    grain of a mart, e.g. month × kpi). Returns the duplicated keys.
#}
{% test unique_combination(model, columns) %}

select
    {{ columns | join(', ') }},
    count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1

{% endtest %}
