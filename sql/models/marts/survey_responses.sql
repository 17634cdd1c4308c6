-- One row per survey response with its index (csi, 0–100), item scores (one column per
-- configured item), satisfaction flag, tier weight and dimensions.
with

responses as (

    select * from {{ ref('int_survey_responses_scored') }}

),

final as (

    select * from responses
    -- stored in time order: the dashboard's period filters then skip whole row groups
    order by responded_at, response_id

)

select * from final
