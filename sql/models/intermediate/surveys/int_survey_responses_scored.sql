-- Survey responses with their index (SPEC §4): the weighted mean of the answered items (weights
-- of unanswered items dropped, the rest rescaled) mapped to 0–100; null with no answered item.
-- Only the items of the response's own survey type count (SPEC §3). Also the customer's tier
-- weight for group means (unknown customer: general) and the response's dimensions (its ticket,
-- else its customer). The index is computed along each response's row (one column per configured
-- item), not by unpivoting the items and grouping them again.
{%- set items = survey_item_columns() %}
with

surveys as (

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

-- the item weights of each survey type, one column per configured item (null: not an item of the type)
type_weights as (

    select
        survey_type,
    {% for item in items -%}
        max(weight) filter (where item = '{{ item }}') as {{ adapter.quote(item) }}{{ "," if not loop.last }}
    {% endfor %}
    from survey_items
    group by survey_type

),

-- each response with the items of its own type it answered (an empty score is not answered): how
-- many, and the weighted mean of their scores, the weights rescaled over them. Added up along the
-- row in item order, so the result does not depend on how DuckDB's threads share the work.
scored as (

    select
        surveys.*,
        (
            {% for item in items -%}
                (
                    surveys.{{ adapter.quote(item) }} is not null
                    and weights.{{ adapter.quote(item) }} is not null
                )::integer
                {{- " +" if not loop.last }}
            {% endfor -%}
        ) as answered_items,
        (
            {% for item in items -%}
                coalesce(weights.{{ adapter.quote(item) }} * surveys.{{ adapter.quote(item) }}, 0)
                {{- " +" if not loop.last }}
            {% endfor -%}
        ) / nullif(
            {% for item in items -%}
                case
                    when surveys.{{ adapter.quote(item) }} is not null
                        then coalesce(weights.{{ adapter.quote(item) }}, 0)
                    else 0
                end
                {{- " +" if not loop.last }}
            {% endfor -%}
            , 0
        ) as item_score
    from surveys
    left join type_weights as weights
        on surveys.survey_type = weights.survey_type

),

final as (

    select
        surveys.* exclude (surveys.item_score),
        -- rounded to 10 decimals: all-top answers give exactly 100, not 100.00000000000001
        round(
            (surveys.item_score - {{ var('scale_min') }})
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
        tickets.service_center,
        tickets.product_line,
        tickets.technician,
        customers.customer_name,
        -- for calling back a dissatisfied customer (masked by the dashboard as SPEC §9 says)
        customers.contact_name,
        customers.contact_phone,
        customers.contact_email
    from scored as surveys
    left join customers
        on surveys.customer_id = customers.customer_id
    left join tickets
        on surveys.ticket_id = tickets.ticket_id

)

select * from final
