-- Quarter × root cause (by received_at) of complaints with a root cause: count, share, cumulative
-- share and rank by count descending, ties broken by category id (SPEC §5).
with

complaints as (

    select * from {{ ref('int_complaints_enriched') }}

),

root_causes as (

    select * from {{ ref('stg_settings_root_causes') }}

),

counts as (

    select
        {{ quarter_label('received_at') }} as quarter,
        root_cause_category,
        count(*) as complaints
    from complaints
    where root_cause_category is not null
    group by all

),

ranked as (

    select
        *,
        row_number() over (
            partition by quarter order by complaints desc, root_cause_category asc
        ) as rank,
        sum(complaints) over (partition by quarter) as quarter_complaints
    from counts

),

final as (

    select
        ranked.quarter,
        ranked.root_cause_category,
        ranked.complaints,
        ranked.complaints / ranked.quarter_complaints as share,
        sum(ranked.complaints) over (
            partition by ranked.quarter order by ranked.rank
            rows between unbounded preceding and current row
        ) / ranked.quarter_complaints as cumulative_share,
        ranked.rank,
        root_causes.name_zh
    from ranked
    left join root_causes
        on ranked.root_cause_category = root_causes.root_cause_category

)

select * from final
