-- repair_timeliness (SPEC §4): every non-cancelled repair ticket; due = promised_at, else
-- reported_at + the repair SLA; the timeliness rule decides settle time and success.
with

tickets as (

    select *
    from {{ ref('int_tickets_enriched') }}
    where ticket_type = 'repair' and not is_cancelled

),

events as (

    select
        'repair_timeliness' as kpi,
        tickets.ticket_id as event_id,
        {{ timeliness_event('tickets.resolved_at', 'tickets.repair_due_at') }},
        tickets.resolved_at as happened_at,
        tickets.repair_due_at as due_at,
        tickets.customer_id,
        tickets.ticket_id,
        tickets.region,
        tickets.service_center,
        tickets.product_line,
        tickets.product_model,
        tickets.technician,
        tickets.customer_tier,
        tickets.channel
    from tickets

),

final as (

    select * from events
    where settled_at is not null

)

select * from final
