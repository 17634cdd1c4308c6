-- first_time_fix (SPEC §4): a resolved, non-cancelled repair ticket whose first-visit outcome is
-- known, settling at resolved_at. Success: fixed on the first visit (visit_count = 1, else
-- fixed_first_visit) and no other non-cancelled repair of the same customer_id and serial_no
-- reported after resolved_at and at most ftf_window_days after it.
--
-- Repeat detection without a self-join: an ASOF join finds, per candidate, the earliest repair
-- report of the same unit strictly after its resolution (a report exactly at resolved_at, or the
-- candidate's own, is not "after"); any repeat within the window exists iff that one lies within
-- it. Sort-based, so a unit with very many repairs costs n log n, not n². repeat_ticket_id names
-- that repeat when it fails the event (for the drill-down), serial_no the unit.
with

repairs as (

    select *
    from {{ ref('int_tickets_enriched') }}
    where ticket_type = 'repair' and not is_cancelled

),

candidates as (

    select
        *,
        case when visit_count is not null then visit_count = 1 else fixed_first_visit end
            as is_fixed_first_visit
    from repairs
    where resolved_at is not null
        and (visit_count is not null or fixed_first_visit is not null)

),

unit_reports as (

    select
        customer_id,
        serial_no,
        reported_at,
        ticket_id
    from repairs
    where serial_no is not null

),

final as (

    select
        'first_time_fix' as kpi,
        candidates.ticket_id as event_id,
        candidates.resolved_at as settled_at,
        candidates.is_fixed_first_visit
        and coalesce(
            next_reports.reported_at
            > candidates.resolved_at + to_days(cast({{ var('ftf_window_days') }} as integer)),
            true
        ) as success,
        case
            when next_reports.reported_at
                <= candidates.resolved_at + to_days(cast({{ var('ftf_window_days') }} as integer))
                then next_reports.ticket_id
        end as repeat_ticket_id,
        candidates.serial_no,
        candidates.resolved_at as happened_at,
        cast(null as timestamp) as due_at,
        candidates.customer_id,
        candidates.ticket_id,
        candidates.region,
        candidates.service_center,
        candidates.product_line,
        candidates.product_model,
        candidates.technician,
        candidates.customer_tier,
        candidates.channel
    from candidates
    asof left join unit_reports as next_reports
        on candidates.customer_id = next_reports.customer_id
        and candidates.serial_no = next_reports.serial_no
        and candidates.resolved_at < next_reports.reported_at

)

select * from final
