-- capa_timeliness (SPEC §4): complaints with a CAPA due time; the timeliness rule on capa_done_at
-- against capa_due_at.
with

complaints as (

    select *
    from {{ ref('int_complaints_enriched') }}
    where capa_due_at is not null

),

events as (

    select
        'capa_timeliness' as kpi,
        complaints.complaint_id as event_id,
        {{ timeliness_event('complaints.capa_done_at', 'complaints.capa_due_at') }},
        complaints.capa_done_at as happened_at,
        complaints.capa_due_at as due_at,
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
