-- One row per complaint as known at the as-of time, for the Complaints page: open / overdue,
-- CAPA status, days to close and recurrence (same root_cause_category and product_model as an
-- earlier complaint received at most recurrence_days before it, SPEC §4).
with

complaints as (

    select * from {{ ref('int_complaints_enriched') }}

),

flagged as (

    select
        *,
        coalesce(closed_at, resolved_at) as finished_at,
        capa_action is not null or capa_due_at is not null or capa_done_at is not null as has_capa,
        lag(received_at) over (
            partition by root_cause_category, product_model
            order by received_at, complaint_id
        ) as previous_same_cause_at
    from complaints

),

final as (

    select
        * exclude (previous_same_cause_at),
        cast(date_trunc('month', received_at) as date) as month,
        {{ quarter_label('received_at') }} as quarter,
        finished_at is null as is_open,
        finished_at is null and due_at < {{ as_of() }} as is_overdue,
        case
            when not has_capa then null
            when capa_done_at is not null and capa_effective then 'verified_effective'
            when capa_done_at is not null then 'done'
            when capa_due_at < {{ as_of() }} then 'overdue'
            else 'open'
        end as capa_status,
        epoch(finished_at - received_at) / 86400.0 as days_to_close,
        coalesce(
            root_cause_category is not null
            and product_model is not null
            and received_at - previous_same_cause_at
            <= to_days(cast({{ var('recurrence_days') }} as integer)),
            false
        ) as is_recurrence
    from flagged

)

select * from final
