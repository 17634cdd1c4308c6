-- quote_timeliness (SPEC §4): every non-cancelled quote; due = requested_at + the quote SLA; the
-- timeliness rule on sent_at. Dimensions come from the quote's ticket.
with

quotes as (

    select *
    from {{ ref('int_quotes_enriched') }}
    where not is_cancelled

),

events as (

    select
        'quote_timeliness' as kpi,
        quotes.quote_id as event_id,
        {{ timeliness_event('quotes.sent_at', 'quotes.due_at') }},
        quotes.sent_at as happened_at,
        quotes.due_at,
        quotes.customer_id,
        quotes.ticket_id,
        quotes.region,
        quotes.service_center,
        quotes.product_line,
        quotes.product_model,
        quotes.technician,
        quotes.customer_tier,
        quotes.channel
    from quotes

),

final as (

    select * from events
    where settled_at is not null

)

select * from final
