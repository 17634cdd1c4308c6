-- Quotes with their ticket's customer and dimensions (a quote carries none itself, SPEC §4).
with

quotes as (

    select * from {{ ref('stg_quotes') }}

),

tickets as (

    select * from {{ ref('int_tickets_enriched') }}

),

final as (

    select
        quotes.*,
        coalesce(quotes.status = 'cancelled', false) as is_cancelled,
        quotes.requested_at + to_seconds({{ var('quote_sla_hours') }} * 3600.0) as due_at,
        tickets.customer_id,
        tickets.region,
        tickets.service_center,
        tickets.product_line,
        tickets.product_model,
        tickets.technician,
        tickets.customer_tier,
        tickets.channel
    from quotes
    left join tickets
        on quotes.ticket_id = tickets.ticket_id

)

select * from final
