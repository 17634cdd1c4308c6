-- Month × KPI rates with target and 95% Wilson interval (SPEC §5). Months without events have no row.
with

events as (

    select * from {{ ref('kpi_events') }}

),

kpis as (

    select * from {{ ref('stg_settings_kpi') }}

),

monthly as (

    select
        month,
        kpi,
        count_if(success) as numerator,
        count(*) as denominator
    from events
    group by month, kpi

),

final as (

    select
        monthly.month,
        monthly.kpi,
        kpis.owner_department,
        monthly.numerator,
        monthly.denominator,
        monthly.numerator / monthly.denominator as rate,
        kpis.target,
        monthly.numerator / monthly.denominator >= kpis.target as met,
        {{ wilson_bound('monthly.numerator', 'monthly.denominator', 'low') }} as ci_low,
        {{ wilson_bound('monthly.numerator', 'monthly.denominator', 'high') }} as ci_high,
        kpis.weight,
        kpis.name_zh,
        kpis.name_en,
        kpis.sort_order
    from monthly
    inner join kpis
        on monthly.kpi = kpis.kpi

)

select * from final
