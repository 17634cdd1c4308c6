-- Quarter × KPI rates plus the composite service satisfaction (服务满意率, SPEC §4, §5).
-- Composite = Σ w·rate over the weighted KPIs with events in the quarter, their weights rescaled
-- to sum to 1 (complete = every weighted KPI had events); 95% delta-method interval with
-- variance Σ w²·p(1 − p)/n, clipped to [0, 1]. composite_weight is each KPI's rescaled weight.
with

events as (

    select * from {{ ref('kpi_events') }}

),

kpis as (

    select * from {{ ref('stg_settings_kpi') }}

),

quarterly as (

    select
        events.quarter,
        events.kpi,
        count_if(events.success) as numerator,
        count(*) as denominator,
        count_if(events.success) / count(*) as rate
    from events
    group by events.quarter, events.kpi

),

weighted as (

    select
        quarterly.*,
        kpis.weight
    from quarterly
    inner join kpis
        on quarterly.kpi = kpis.kpi
    where kpis.weight > 0

),

present_weights as (

    select
        quarter,
        -- sums of doubles as exact decimals here and below: a float sum depends on the order the
        -- threads add up its terms, and the same data must give the same numbers to the last bit
        cast(sum(cast(weight as decimal(38, 18))) as double) as present_weight,
        count(*) as present_kpis
    from weighted
    group by quarter

),

components as (

    select
        weighted.quarter,
        weighted.kpi,
        weighted.rate,
        weighted.denominator,
        weighted.weight / present_weights.present_weight as composite_weight,
        present_weights.present_kpis
    from weighted
    inner join present_weights
        on weighted.quarter = present_weights.quarter

),

composite_stats as (

    select
        quarter,
        -- rounded to 12 decimals: a perfect quarter is exactly 1, and rate ≥ target is not
        -- decided by floating-point noise in the rescaled weights
        round(cast(sum(cast(composite_weight * rate as decimal(38, 18))) as double), 12) as rate,
        cast(sum(cast(
            composite_weight * composite_weight * rate * (1 - rate) / denominator
            as decimal(38, 18)
        )) as double) as variance,
        min(present_kpis) = (
            select count(*)
            from kpis
            where kpis.weight > 0
        ) as complete
    from components
    group by quarter

),

kpi_rows as (

    select
        quarterly.quarter,
        quarterly.kpi,
        kpis.owner_department,
        quarterly.numerator,
        quarterly.denominator,
        quarterly.rate,
        kpis.target,
        kpis.weight,
        quarterly.rate >= kpis.target as met,
        {{ wilson_bound('quarterly.numerator', 'quarterly.denominator', 'low') }} as ci_low,
        {{ wilson_bound('quarterly.numerator', 'quarterly.denominator', 'high') }} as ci_high,
        true as complete,
        components.composite_weight,
        kpis.name_zh,
        kpis.name_en,
        kpis.sort_order
    from quarterly
    inner join kpis
        on quarterly.kpi = kpis.kpi
    left join components
        on quarterly.quarter = components.quarter
        and quarterly.kpi = components.kpi

),

composite_rows as (

    select
        quarter,
        'composite' as kpi,
        cast(null as varchar) as owner_department,
        cast(null as bigint) as numerator,
        cast(null as bigint) as denominator,
        rate,
        cast({{ var('composite_target') }} as double) as target,
        cast(1 as double) as weight,
        rate >= {{ var('composite_target') }} as met,
        greatest(0.0, rate - {{ z_95() }} * sqrt(variance)) as ci_low,
        least(1.0, rate + {{ z_95() }} * sqrt(variance)) as ci_high,
        complete,
        cast(null as double) as composite_weight,
        '服务满意率' as name_zh,
        'Composite service satisfaction' as name_en,
        0 as sort_order
    from composite_stats

),

final as (

    select * from kpi_rows
    union all by name
    select * from composite_rows

)

select * from final
