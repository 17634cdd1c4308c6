-- Survey responses with their index (SPEC §4): the weighted mean of the answered items (weights
-- of unanswered items dropped, the rest rescaled) mapped to 0–100; null with no answered item.
-- Also the customer's tier weight for group means (unknown customer: general) and the response's
-- dimensions (its ticket, else its customer).
with

surveys as (

    select * from {{ ref('stg_surveys') }}

),

item_scores as (

    select * from {{ ref('int_survey_item_scores_unpivoted') }}

),

customers as (

    select * from {{ ref('stg_customers') }}

),

tickets as (

    select * from {{ ref('int_tickets_enriched') }}

),

response_scores as (

    select
        response_id,
        count(*) as answered_items,
        sum(weight * score) / nullif(sum(weight), 0) as item_score
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
        customers.customer_name as customer_name
    from surveys
    left join response_scores
        on surveys.response_id = response_scores.response_id
    left join customers
        on surveys.customer_id = customers.customer_id
    left join tickets
        on surveys.ticket_id = tickets.ticket_id

)

select * from final
