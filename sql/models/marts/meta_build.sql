-- One row describing this build: its as-of time, when it ran, how many landing batches it read
-- and the app version (SPEC §5). as_of, built_at and app_version come from pipelines/build.py
-- (settings_build).
with

build as (

    select * from {{ ref('stg_settings_build') }}

),

load_files as (

    select * from {{ ref('stg_load_files') }}

),

final as (

    select
        build.as_of,
        build.built_at,
        (
            select count(distinct load_files.load_id)
            from load_files
            where load_files.is_batch
        ) as landing_batches,
        build.app_version,
        '{{ var("time_zone") }}' as time_zone
    from build

)

select * from final
