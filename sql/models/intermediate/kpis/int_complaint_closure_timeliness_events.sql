-- complaint_closure_timeliness (SPEC §4): every complaint; the timeliness rule on closed_at (else
-- resolved_at) against due_at.
with

complaints as (

    select
        *,
        coalesce(closed_at, resolved_at) as finished_at
    from {{ ref('int_complaints_enriched') }}

),

events as (

    select
        'complaint_closure_timeliness' as kpi,
        complaints.complaint_id as event_id,
        {{ timeliness_event('complaints.finished_at', 'complaints.due_at') }},
        complaints.finished_at as happened_at,
        complaints.due_at,
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

),

final as (

    select * from events
    where settled_at is not null

)

select * from final
