-- One row describing this build: its as-of time, when it ran, how many landing batches it read
-- and the app version (SPEC §5). built_at and app_version come from pipelines/build.py.
with

load_files as (

    select * from {{ ref('stg_load_files') }}

),

final as (

    select
        {{ as_of() }} as as_of,
        cast('{{ var("built_at") }}' as timestamp) as built_at,
        (select count(distinct load_id) from load_files where is_batch) as landing_batches,
        '{{ var("app_version") }}' as app_version,
        '{{ var("time_zone") }}' as time_zone

)

select * from final
