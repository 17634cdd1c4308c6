-- Complaint rate (投诉率, SPEC §4) per month: complaints received / non-cancelled tickets reported
-- in that month; null when no ticket was reported.
with

tickets as (

    select * from {{ ref('int_tickets_enriched') }}
    where not is_cancelled

),

complaints as (

    select * from {{ ref('int_complaints_enriched') }}

),

ticket_months as (

    select
        cast(date_trunc('month', reported_at) as date) as month,
        count(*) as tickets
    from tickets
    group by all

),

complaint_months as (

    select
        cast(date_trunc('month', received_at) as date) as month,
        count(*) as complaints
    from complaints
    group by all

),

final as (

    select
        coalesce(ticket_months.month, complaint_months.month) as month,
        coalesce(complaint_months.complaints, 0) as complaints,
        coalesce(ticket_months.tickets, 0) as tickets,
        complaint_months.complaints / nullif(ticket_months.tickets, 0) as complaint_rate
    from ticket_months
    full outer join complaint_months
        on ticket_months.month = complaint_months.month

)

select * from final
