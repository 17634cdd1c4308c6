-- Service orders as known at the as-of time: latest batch wins, tickets reported after as_of are left
-- out, event times after as_of are not yet happened (SPEC §4); status defaults per SPEC §3.
-- Ephemeral (read by int_tickets_enriched only): compiled into it, no view of its own.
{{ config(materialized='ephemeral') }}

with

source as not materialized (

    select * from {{ source('landing', 'tickets') }}

),

latest as (

    {{ latest_version('source', 'ticket_id') }}

),

known as (

    select *
    from latest
    where reported_at <= {{ as_of() }}

),

final as (

    select
        ticket_id,
        customer_id,
        ticket_type,
        reported_at,
        coalesce(
            nullif(trim(status), ''),
            case when {{ after_as_of('resolved_at') }} is not null then 'resolved' else 'open' end
        ) as status,
        channel,
        product_line,
        product_model,
        serial_no,
        in_warranty,
        service_center,
        region,
        technician,
        {{ after_as_of('first_response_at') }} as first_response_at,
        {{ after_as_of('arrived_at') }} as arrived_at,
        promised_at,
        {{ after_as_of('resolved_at') }} as resolved_at,
        {{ after_as_of('closed_at') }} as closed_at,
        visit_count,
        fixed_first_visit,
        person_days,
        labor_cost,
        travel_cost,
        material_cost,
        transport_cost,
        fault_description,
        fault_cause,
        solution,
        _load_id as load_id
    from known

)

select * from final
