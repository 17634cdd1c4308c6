-- Tickets with their customer: region defaults to the customer's (SPEC §3), the customer's tier,
-- and the due times of the ticket KPIs (SPEC §4).
with

tickets as (

    select * from {{ ref('stg_tickets') }}

),

customers as (

    select * from {{ ref('stg_customers') }}

),

final as (

    select
        tickets.* replace (coalesce(tickets.region, customers.region) as region),
        customers.customer_name as customer_name,
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

)

select * from final
