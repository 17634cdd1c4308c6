-- The settings table settings_kpi, as pipelines/build.py wrote it from config/settings.toml.
with

source as (

    select * from {{ source('settings', 'settings_kpi') }}

),

final as (

    select
        kpi,
        name_zh,
        name_en,
        owner_department,
        cast(target as double) as target,
        cast(weight as double) as weight,
        sort_order
    from source

)

select * from final
