-- One row per answered survey item of a response, with the item's weight. Only the items of the
-- response's own survey type are kept (SPEC §3); an empty score is not answered and drops out.
with

surveys as (

    select * from {{ ref('stg_surveys') }}

),

survey_items as (

    select * from {{ ref('stg_settings_survey_items') }}

),

item_columns as (

    select * exclude (
        customer_id, ticket_id, sent_at, responded_at, respondent_role,
        overall, nps, comment, load_id
    )
    from surveys

),

unpivoted as (

    unpivot item_columns
    on columns(* exclude (response_id, survey_type))
    into name item value score

),

final as (

    select
        unpivoted.response_id,
        unpivoted.survey_type,
        unpivoted.item,
        unpivoted.score,
        survey_items.weight
    from unpivoted
    inner join survey_items
        on unpivoted.survey_type = survey_items.survey_type
        and unpivoted.item = survey_items.item

)

select * from final
