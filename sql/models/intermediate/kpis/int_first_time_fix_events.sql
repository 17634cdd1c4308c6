-- first_time_fix (SPEC §4): a resolved, non-cancelled repair ticket whose first-visit outcome is
-- known, settling at resolved_at. Success: fixed on the first visit (visit_count = 1, else
-- fixed_first_visit) and no other non-cancelled repair of the same customer_id and serial_no
-- reported after resolved_at and at most ftf_window_days after it.
--
-- Repeat detection without a self-join: per unit, put every repair report and every candidate's
-- resolution on one time line. The earliest report strictly after a resolution is the running
-- minimum of report times over the rows that follow it; a report at exactly resolved_at sorts
-- before the resolution (kind 0 < 1) and so is not "after". Any repeat within the window exists
-- iff that earliest later report lies within it.
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

unit_timeline as (

    select
        customer_id,
        serial_no,
        reported_at as timeline_at,
        0 as kind,
        reported_at as report_at,
        null as ticket_id
    from repairs
    where serial_no is not null

    union all

    select
        customer_id,
        serial_no,
        resolved_at as timeline_at,
        1 as kind,
        null as report_at,
        ticket_id
    from candidates
    where serial_no is not null

),

next_reports as (

    select
        ticket_id,
        min(report_at) over (
            partition by customer_id, serial_no
            order by timeline_at desc, kind desc
            rows between unbounded preceding and 1 preceding
        ) as next_report_at,
        kind
    from unit_timeline
    qualify kind = 1

),

final as (

    select
        'first_time_fix' as kpi,
        candidates.ticket_id as event_id,
        candidates.resolved_at as settled_at,
        candidates.is_fixed_first_visit
        and coalesce(
            next_reports.next_report_at
            > candidates.resolved_at + to_days(cast({{ var('ftf_window_days') }} as integer)),
            true
        ) as success,
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
    left join next_reports
        on candidates.ticket_id = next_reports.ticket_id

)

select * from final
