-- response_timeliness (SPEC §4): every non-cancelled ticket of any type; due = reported_at + the
-- response SLA; the timeliness rule on first_response_at.
with

tickets as (

    select *
    from {{ ref('int_tickets_enriched') }}
    where not is_cancelled

),

events as (

    select
        'response_timeliness' as kpi,
        tickets.ticket_id as event_id,
        {{ timeliness_event('tickets.first_response_at', 'tickets.response_due_at') }},
        tickets.first_response_at as happened_at,
        tickets.response_due_at as due_at,
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
