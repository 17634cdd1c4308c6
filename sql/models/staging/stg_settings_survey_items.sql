-- The settings table settings_survey_items, as pipelines/build.py wrote it from config/settings.toml.
with

source as (

    select * from {{ source('settings', 'settings_survey_items') }}

),

final as (

    select
        survey_type,
        item,
        name_zh,
        name_en,
        cast(weight as double) as weight
    from source

)

select * from final
