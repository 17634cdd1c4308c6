-- The settings table settings_root_causes, as pipelines/build.py wrote it from config/settings.toml.
with

source as (

    select * from {{ source('settings', 'settings_root_causes') }}

),

final as (

    select
        root_cause_category,
        name_zh,
        sort_order
    from source

)

select * from final
