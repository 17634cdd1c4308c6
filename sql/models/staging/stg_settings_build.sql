-- The settings table settings_build, as pipelines/build.py wrote it: this build's as-of time,
-- when it ran and the app version (one row). The as_of macro reads the source itself.
-- Ephemeral (read by meta_build only): compiled into it, no view of its own.
{{ config(materialized='ephemeral') }}

with

source as (

    select * from {{ source('settings', 'settings_build') }}

),

final as (

    select
        cast(as_of as timestamp) as as_of,
        cast(built_at as timestamp) as built_at,
        cast(app_version as varchar) as app_version
    from source

)

select * from final
