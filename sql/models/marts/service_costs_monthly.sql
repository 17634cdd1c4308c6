-- Month × ticket type after-sales statistics (SPEC §5): by the month of resolved_at, else
-- reported_at; cancelled tickets left out; missing amounts count as 0.
with

tickets as (

    select * from {{ ref('int_tickets_enriched') }}
    where not is_cancelled

),

final as (

    select
        cast(date_trunc('month', coalesce(resolved_at, reported_at)) as date) as month,
        ticket_type,
        count(*) as tickets,
        coalesce(sum(visit_count), 0) as visits,
        coalesce(sum(person_days), 0) as person_days,
        coalesce(sum(labor_cost), 0) as labor_cost,
        coalesce(sum(travel_cost), 0) as travel_cost,
        coalesce(sum(material_cost), 0) as material_cost,
        coalesce(sum(transport_cost), 0) as transport_cost,
        coalesce(sum(labor_cost), 0) + coalesce(sum(travel_cost), 0)
        + coalesce(sum(material_cost), 0) + coalesce(sum(transport_cost), 0) as total_cost,
        count_if(in_warranty) as free_tickets,
        count_if(not in_warranty) as paid_tickets
    from tickets
    group by all

)

select * from final
