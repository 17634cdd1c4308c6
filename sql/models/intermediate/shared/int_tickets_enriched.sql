-- Tickets with their customer: region defaults to the customer's (SPEC §3), the customer's tier,
-- the due times of the ticket KPIs (SPEC §4), and what the tickets mart adds for drill-down lists
-- and the complaint rate: month / quarter of reported_at, open / overdue, total cost. The one
-- table of tickets in the warehouse; the mart `tickets` is a view of it (one 1M-row write, not two).
with

tickets as (

    select * from {{ ref('stg_tickets') }}

),

customers as (

    select * from {{ ref('stg_customers') }}

),

enriched as (

    select
        tickets.* replace (coalesce(tickets.region, customers.region) as region),
        customers.customer_name,
        customers.tier as customer_tier,
        coalesce(tickets.status = 'cancelled', false) as is_cancelled,
        coalesce(
            tickets.promised_at,
            tickets.reported_at + to_seconds({{ var('repair_sla_hours') }} * 3600.0)
        ) as repair_due_at,
        tickets.reported_at + to_seconds({{ var('response_sla_hours') }} * 3600.0) as response_due_at,
        tickets.reported_at + to_seconds({{ var('onsite_sla_hours') }} * 3600.0) as onsite_due_at
    from tickets
    left join customers
        on tickets.customer_id = customers.customer_id

),

final as (

    select
        *,
        cast(date_trunc('month', reported_at) as date) as month,
        {{ quarter_label('reported_at') }} as quarter,
        not is_cancelled and resolved_at is null and closed_at is null as is_open,
        not is_cancelled
        and ticket_type = 'repair'
        and resolved_at is null
        and repair_due_at < {{ as_of() }} as is_overdue,
        coalesce(labor_cost, 0) + coalesce(travel_cost, 0)
        + coalesce(material_cost, 0) + coalesce(transport_cost, 0) as total_cost
    from enriched

)

select * from final
