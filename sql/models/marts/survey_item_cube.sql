-- Responses per month × survey type × response dimensions × item × (item score, overall): the
-- frequency tables the dashboard sums under its filters for item means and the Spearman importance
-- of each item, instead of unpivoting survey_responses. Only the items of the response's own survey
-- type, and only answered items (an empty score drops out); an empty overall is kept as null.
{%- set items = survey_item_columns() %}
with

responses as (

    select * from {{ ref('survey_responses') }}

),

survey_items as (

    select * from {{ ref('stg_settings_survey_items') }}

),

item_scores as (

    select unpivoted.*
    from (
        unpivot (
            select
                month,
                survey_type,
                region,
                service_center,
                product_line,
                customer_tier,
                overall,
            {% for item in items -%}
                {{ adapter.quote(item) }}{{ "," if not loop.last }}
            {% endfor %}
            from responses
        )
        on
        {% for item in items -%}
            {{ adapter.quote(item) }}{{ "," if not loop.last }}
        {% endfor %}
        into name item value score
    ) as unpivoted
    semi join survey_items
        on unpivoted.survey_type = survey_items.survey_type
        and unpivoted.item = survey_items.item

),

final as (

    select
        month,
        survey_type,
        region,
        service_center,
        product_line,
        customer_tier,
        item,
        cast(score as bigint) as score,
        overall,
        count(*) as responses
    from item_scores
    group by all

)

select * from final
