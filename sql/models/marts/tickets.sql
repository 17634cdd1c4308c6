-- One row per ticket known at the as-of time (cancelled ones flagged, not dropped), for
-- drill-down lists and the complaint rate: dimensions, due times and whether it is open or overdue.
with

tickets as (

    select * from {{ ref('int_tickets_enriched') }}

),

final as (

    select
        *,
        cast(date_trunc('month', reported_at) as date) as month,
        {{ quarter_label('reported_at') }} as quarter,
        not is_cancelled and resolved_at is null and closed_at is null as is_open,
        not is_cancelled
        and ticket_type = 'repair'
        and resolved_at is null
        and repair_due_at < {{ as_of() }} as is_overdue,
        coalesce(labor_cost, 0) + coalesce(travel_cost, 0)
        + coalesce(material_cost, 0) + coalesce(transport_cost, 0) as total_cost
    from tickets

)

select * from final
