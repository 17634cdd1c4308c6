-- Month × survey type (by responded_at): the survey satisfaction index (CSI, 0–100) as the
-- tier-weighted mean of the responses' indexes, and the satisfaction rate (overall ≥ the satisfied
-- threshold, over responses that answered overall) with its 95% Wilson interval (SPEC §4).
with

responses as (

    select * from {{ ref('survey_responses') }}

),

final as (

    select
        month,
        survey_type,
        count(*) as responses,
        -- exact decimal sums, so the same data gives the same CSI to the last bit on every build
        cast(
            sum(cast(tier_weight * csi as decimal(38, 10)))
            / sum(cast(tier_weight as decimal(38, 10))) filter (where csi is not null)
            as double
        ) as csi,
        count(csi) as scored_responses,
        count(overall) as rated_responses,
        count_if(is_satisfied) as satisfied_responses,
        count_if(is_satisfied) / nullif(count(overall), 0) as satisfaction_rate,
        {{ wilson_bound('count_if(is_satisfied)', 'count(overall)', 'low') }} as ci_low,
        {{ wilson_bound('count_if(is_satisfied)', 'count(overall)', 'high') }} as ci_high
    from responses
    group by month, survey_type

)

select * from final
