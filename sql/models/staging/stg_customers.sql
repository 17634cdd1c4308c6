-- Customers as last loaded (latest batch wins); empty tier derived from the prior-year revenue (SPEC §3).
-- Ephemeral: compiled into each model reading it (as a view, it was re-read by each anyway), so
-- that int_tickets_enriched waits for no other model and the build starts with it.
{{ config(materialized='ephemeral') }}

with

source as not materialized (

    select * from {{ source('landing', 'customers') }}

),

latest as (

    {{ latest_version('source', 'customer_id') }}

),

final as (

    select
        customer_id,
        customer_name,
        coalesce(
            nullif(trim(tier), ''),
            case
                when prior_year_revenue >= {{ var('key_revenue_threshold') }} then 'key'
                else 'general'
            end
        ) as tier,
        prior_year_revenue,
        region,
        industry,
        contact_name,
        contact_phone,
        contact_email,
        _load_id as load_id
    from latest

)

select * from final
