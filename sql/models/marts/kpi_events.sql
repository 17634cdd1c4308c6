-- One row per settled KPI event (SPEC §5): its month and quarter are those of its settle time;
-- pending events are in no period and not here. The events of each KPI come from its own model
-- (models/intermediate/kpis, ephemeral: compiled in here), all with the same columns, besides
-- first_time_fix's serial_no and repeat_ticket_id (null for the other KPIs). customer_id and
-- ticket_id name the record behind an event, for the drill-down.
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

events as (

    {% for model in kpi_models -%}
        select * from {{ ref(model) }}
        {% if not loop.last %}union all by name
        {% endif -%}
    {% endfor %}

),

kpis as (

    select * from {{ ref('stg_settings_kpi') }}

),

final as (

    select
        events.kpi,
        events.event_id,
        events.settled_at,
        cast(date_trunc('month', events.settled_at) as date) as month,
        {{ quarter_label('events.settled_at') }} as quarter,
        events.success,
        kpis.owner_department,
        events.region,
        events.service_center,
        events.product_line,
        events.customer_tier,
        events.channel,
        events.technician,
        events.happened_at,
        events.due_at,
        events.customer_id,
        events.ticket_id,
        events.serial_no,
        events.repeat_ticket_id
    from events
    inner join kpis
        on events.kpi = kpis.kpi

)

select * from final
