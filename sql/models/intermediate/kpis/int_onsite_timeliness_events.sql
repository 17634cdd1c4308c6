-- onsite_timeliness (SPEC §4): non-cancelled repair tickets with arrived_at, settling at
-- arrived_at; success when arrived within the on-site SLA of reported_at (exactly at it is on time).
with

tickets as (

    select *
    from {{ ref('int_tickets_enriched') }}
    where ticket_type = 'repair' and not is_cancelled and arrived_at is not null

),

final as (

    select
        'onsite_timeliness' as kpi,
        tickets.ticket_id as event_id,
        tickets.arrived_at as settled_at,
        tickets.arrived_at <= tickets.onsite_due_at as success,
        tickets.arrived_at as happened_at,
        tickets.onsite_due_at as due_at,
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

)

select * from final
