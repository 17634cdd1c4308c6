-- Survey responses with their index (SPEC §4): the weighted mean of the answered items (weights
-- of unanswered items dropped, the rest rescaled) mapped to 0–100; null with no answered item.
-- Only the items of the response's own survey type count (SPEC §3). Also the customer's tier
-- weight for group means (unknown customer: general) and the response's dimensions (its ticket,
-- else its customer). stg_surveys is read once (materialised CTE) for both the item scores and
-- the response rows.
with

surveys as materialized (

    select * from {{ ref('stg_surveys') }}

),

survey_items as (

    select * from {{ ref('stg_settings_survey_items') }}

),

customers as (

    select * from {{ ref('stg_customers') }}

),

tickets as (

    select * from {{ ref('int_tickets_enriched') }}

),

item_columns as (

    select * exclude (
        customer_id, ticket_id, sent_at, responded_at, respondent_role,
        overall, nps, comment, load_id
    )
    from surveys

),

-- one row per answered item (an empty score is not answered and drops out), with its weight
item_scores as (

    select
        unpivoted.response_id,
        unpivoted.score,
        survey_items.weight
    from (
        unpivot item_columns
        on columns(* exclude (response_id, survey_type))
        into name item value score
    ) as unpivoted
    inner join survey_items
        on unpivoted.survey_type = survey_items.survey_type
        and unpivoted.item = survey_items.item

),

response_scores as (

    select
        response_id,
        count(*) as answered_items,
        -- exact decimal sums: a float sum's result depends on the order threads combine it in
        sum(cast(weight * score as decimal(38, 10)))
        / nullif(sum(cast(weight as decimal(38, 10))), 0) as item_score
    from item_scores
    group by response_id

),

final as (

    select
        surveys.*,
        coalesce(response_scores.answered_items, 0) as answered_items,
        -- rounded to 10 decimals: all-top answers give exactly 100, not 100.00000000000001
        round(
            (response_scores.item_score - {{ var('scale_min') }})
            / ({{ var('scale_max') }} - {{ var('scale_min') }}) * 100,
            10
        ) as csi,
        surveys.overall >= {{ var('satisfied_threshold') }} as is_satisfied,
        cast(date_trunc('month', surveys.responded_at) as date) as month,
        customers.tier as customer_tier,
        case
            when customers.tier = 'key' then {{ var('key_weight') }}
            else {{ var('general_weight') }}
        end as tier_weight,
        coalesce(tickets.region, customers.region) as region,
        tickets.service_center as service_center,
        tickets.product_line as product_line,
        tickets.technician as technician,
        customers.customer_name as customer_name,
        -- for calling back a dissatisfied customer (masked by the dashboard as SPEC §9 says)
        customers.contact_name as contact_name,
        customers.contact_phone as contact_phone,
        customers.contact_email as contact_email
    from surveys
    left join response_scores
        on surveys.response_id = response_scores.response_id
    left join customers
        on surveys.customer_id = customers.customer_id
    left join tickets
        on surveys.ticket_id = tickets.ticket_id

)

select * from final
