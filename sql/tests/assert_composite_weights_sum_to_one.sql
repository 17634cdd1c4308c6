-- The rescaled weights of the KPIs in each quarter's composite sum to 1 (SPEC §4): weighted KPIs
-- without events drop out and the others are rescaled. Returns the quarters where they do not.
with

scorecard as (

    select * from {{ ref('scorecard_quarterly') }}

),

sums as (

    select
        quarter,
        sum(composite_weight) as weight_sum
    from scorecard
    where kpi <> 'composite'
    group by quarter

),

composites as (

    select quarter
    from scorecard
    where kpi = 'composite'

),

final as (

    select
        composites.quarter,
        sums.weight_sum
    from composites
    left join sums
        on composites.quarter = sums.quarter
    where sums.weight_sum is null or abs(sums.weight_sum - 1) > 1e-9

)

select * from final
