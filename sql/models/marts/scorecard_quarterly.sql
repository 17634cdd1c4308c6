-- Quarter × KPI rates plus the composite service satisfaction (服务满意率, SPEC §4, §5).
-- Composite = Σ w·rate over the weighted KPIs with events in the quarter, their weights rescaled
-- to sum to 1 (complete = every weighted KPI had events), with its 95% MOVER interval from the
-- KPIs' Wilson intervals (macro mover_composite). composite_weight is each KPI's rescaled weight;
-- smallest_denominator the fewest events of a weighted KPI (0 when one had none), by which the
-- composite of a quarter with a weighted KPI under 30 events is not judged (SPEC §4).
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
        count_if(events.success) / count(*) as rate,
        {{ wilson_bound('count_if(events.success)', 'count(*)', 'low') }} as ci_low,
        {{ wilson_bound('count_if(events.success)', 'count(*)', 'high') }} as ci_high
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
        weighted.ci_low,
        weighted.ci_high,
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
        {{ mover_composite('composite_weight', 'rate', 'ci_low', 'ci_high') }},
        min(present_kpis) = (
            select count(*)
            from kpis
            where kpis.weight > 0
        ) as complete,
        min(denominator) as smallest_present_denominator
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
        quarterly.ci_low,
        quarterly.ci_high,
        true as complete,
        quarterly.denominator as smallest_denominator,
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
        ci_low,
        ci_high,
        complete,
        case when complete then smallest_present_denominator else 0 end as smallest_denominator,
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
