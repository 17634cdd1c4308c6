-- The events of every KPI in one relation (the columns of each int_<kpi>_events).
{%- set kpi_models = [
    'int_first_time_fix_events',
    'int_quote_timeliness_events',
    'int_repair_timeliness_events',
    'int_complaint_satisfaction_events',
    'int_response_timeliness_events',
    'int_onsite_timeliness_events',
    'int_complaint_closure_timeliness_events',
    'int_capa_timeliness_events',
] %}
with

{% for model in kpi_models %}
{{ model }} as (

    select * from {{ ref(model) }}

),

{% endfor -%}
unioned as (

    {% for model in kpi_models -%}
    select * from {{ model }}
    {% if not loop.last %}union all by name
    {% endif -%}
    {% endfor %}

),

final as (

    select * from unioned

)

select * from final
