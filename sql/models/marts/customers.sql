-- One row per customer (tier defaulted), with what key-customer coverage needs: the last survey
-- response and the last on-site visit known at the as-of time, and activity counts.
with

customers as (

    select * from {{ ref('stg_customers') }}

),

tickets as (

    select * from {{ ref('int_tickets_enriched') }}
    where not is_cancelled

),

responses as (

    select * from {{ ref('survey_responses') }}

),

complaints as (

    select * from {{ ref('int_complaints_enriched') }}

),

ticket_activity as (

    select
        customer_id,
        count(*) as tickets,
        max(reported_at) as last_ticket_at,
        max(arrived_at) as last_visited_at
    from tickets
    group by customer_id

),

survey_activity as (

    select
        customer_id,
        count(*) as survey_responses,
        max(responded_at) as last_surveyed_at
    from responses
    group by customer_id

),

complaint_activity as (

    select
        customer_id,
        count(*) as complaints,
        max(received_at) as last_complaint_at
    from complaints
    group by customer_id

),

final as (

    select
        customers.customer_id,
        customers.customer_name,
        customers.tier,
        customers.tier = 'key' as is_key,
        case
            when customers.tier = 'key' then {{ var('key_weight') }}
            else {{ var('general_weight') }}
        end as tier_weight,
        customers.prior_year_revenue,
        customers.region,
        customers.industry,
        customers.contact_name,
        customers.contact_phone,
        customers.contact_email,
        coalesce(ticket_activity.tickets, 0) as tickets,
        ticket_activity.last_ticket_at,
        ticket_activity.last_visited_at,
        coalesce(survey_activity.survey_responses, 0) as survey_responses,
        survey_activity.last_surveyed_at,
        coalesce(complaint_activity.complaints, 0) as complaints,
        complaint_activity.last_complaint_at,
        coalesce(
            survey_activity.last_surveyed_at > {{ as_of() }} - interval 1 year, false
        ) as is_surveyed_last_year,
        coalesce(
            ticket_activity.last_visited_at > {{ as_of() }} - interval 1 year, false
        ) as is_visited_last_year
    from customers
    left join ticket_activity
        on customers.customer_id = ticket_activity.customer_id
    left join survey_activity
        on customers.customer_id = survey_activity.customer_id
    left join complaint_activity
        on customers.customer_id = complaint_activity.customer_id

)

select * from final
