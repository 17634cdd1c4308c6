-- complaint_satisfaction (SPEC §4): complaints whose follow-up found the customer satisfied or
-- dissatisfied, at a known follow-up time (followup_at, else closed_at), which is the settle time.
with

complaints as (

    select
        *,
        coalesce(followup_at, closed_at) as followed_up_at
    from {{ ref('int_complaints_enriched') }}

),

final as (

    select
        'complaint_satisfaction' as kpi,
        complaints.complaint_id as event_id,
        complaints.followed_up_at as settled_at,
        complaints.followup_result = 'satisfied' as success,
        complaints.followed_up_at as happened_at,
        cast(null as timestamp) as due_at,
        complaints.customer_id,
        complaints.ticket_id,
        complaints.region,
        complaints.service_center,
        complaints.product_line,
        complaints.product_model,
        complaints.technician,
        complaints.customer_tier,
        complaints.channel
    from complaints
    where complaints.followup_result in ('satisfied', 'dissatisfied')
        and complaints.followed_up_at is not null

)

select * from final
