-- Complaints as known at the as-of time (latest batch wins, SPEC §4 as-of cut) with the SPEC §3
-- defaults: severity general, due_at = received_at + the complaint SLA. A follow-up whose time
-- (followup_at, else closed_at) lies after as_of has no result yet; nor has a CAPA not yet done
-- a verified effectiveness.
-- Ephemeral (read by int_complaints_enriched only): compiled into it, no view of its own.
{{ config(materialized='ephemeral') }}

with

source as not materialized (

    select * from {{ source('landing', 'complaints') }}

),

latest as (

    {{ latest_version('source', 'complaint_id') }}

),

known as (

    select *
    from latest
    where received_at <= {{ as_of() }}

),

final as (

    select
        complaint_id,
        customer_id,
        received_at,
        ticket_id,
        channel,
        category,
        coalesce(nullif(trim(severity), ''), 'general') as severity,
        justified,
        responsible_department,
        root_cause_category,
        root_cause,
        product_line,
        product_model,
        description,
        {{ after_as_of('acknowledged_at') }} as acknowledged_at,
        coalesce(
            due_at, received_at + to_seconds({{ var('complaint_sla_days') }} * 86400.0)
        ) as due_at,
        {{ after_as_of('resolved_at') }} as resolved_at,
        {{ after_as_of('closed_at') }} as closed_at,
        capa_action,
        capa_owner,
        capa_due_at,
        {{ after_as_of('capa_done_at') }} as capa_done_at,
        case when capa_done_at <= {{ as_of() }} then capa_effective end as capa_effective,
        compensation,
        {{ after_as_of('followup_at') }} as followup_at,
        case
            when coalesce(followup_at, closed_at) > {{ as_of() }} then null
            else followup_result
        end as followup_result,
        _load_id as load_id
    from known

)

select * from final
