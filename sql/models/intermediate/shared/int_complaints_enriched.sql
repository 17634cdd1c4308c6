-- Complaints with their event dimensions: from the complaint itself, else its ticket, else its
-- customer (SPEC §4).
with

complaints as (

    select * from {{ ref('stg_complaints') }}

),

tickets as (

    select * from {{ ref('int_tickets_enriched') }}

),

customers as (

    select * from {{ ref('stg_customers') }}

),

final as (

    select
        complaints.* replace (
            coalesce(complaints.channel, tickets.channel) as channel,
            coalesce(complaints.product_line, tickets.product_line) as product_line,
            coalesce(complaints.product_model, tickets.product_model) as product_model
        ),
        coalesce(tickets.region, customers.region) as region,
        tickets.service_center,
        tickets.technician,
        customers.tier as customer_tier,
        customers.customer_name
    from complaints
    left join tickets
        on complaints.ticket_id = tickets.ticket_id
    left join customers
        on complaints.customer_id = customers.customer_id

)

select * from final
