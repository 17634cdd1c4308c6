-- One row per settled KPI event (SPEC §5): its month and quarter are those of its settle time;
-- pending events are in no period and not here.
with

events as (

    select * from {{ ref('int_kpi_events_unioned') }}

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
        events.due_at
    from events
    inner join kpis
        on events.kpi = kpis.kpi

)

select * from final
