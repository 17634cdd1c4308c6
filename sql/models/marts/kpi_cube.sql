-- Successes and events per month × KPI × event dimensions: the small table the dashboard filters
-- (region, centre, product line, tier, channel) and sums, instead of scanning kpi_events.
with

events as (

    select * from {{ ref('kpi_events') }}

),

final as (

    select
        month,
        quarter,
        kpi,
        owner_department,
        region,
        service_center,
        product_line,
        customer_tier,
        channel,
        count_if(success) as successes,
        count(*) as events
    from events
    group by all

)

select * from final
