-- Survey responses as known at the as-of time (latest batch wins, SPEC §4 as-of cut). The item
-- columns are the configured items (settings_survey_items); an item no batch carries is null.
{%- set items = survey_item_columns() %}
{%- set present = relation_columns(source('landing', 'surveys')) %}
with

source as not materialized (

    select * from {{ source('landing', 'surveys') }}

),

latest as (

    {{ latest_version('source', 'response_id') }}

),

final as (

    select
        response_id,
        survey_type,
        customer_id,
        ticket_id,
        {{ after_as_of('sent_at') }} as sent_at,
        responded_at,
        respondent_role,
        {%- for item in items %}
            cast({{ adapter.quote(item) if item in present else 'null' }} as integer) as {{ adapter.quote(item) }},
        {%- endfor %}
        cast(overall as integer) as overall,
        cast(nps as integer) as nps,
        comment,
        _load_id as load_id
    from latest
    where responded_at <= {{ as_of() }}

)

select * from final
