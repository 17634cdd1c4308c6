{#
    not_null_columns(columns): none of the given columns is null in any row (one test for the
    required columns of a model instead of one per column). Returns the offending rows.
#}
{% test not_null_columns(model, columns) %}

select *
from {{ model }}
where {% for column in columns %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %}

{% endtest %}
