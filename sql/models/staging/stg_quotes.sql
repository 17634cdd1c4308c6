-- Repair quotes as known at the as-of time (latest batch wins, SPEC §4 as-of cut).
-- Ephemeral (read by int_quotes_enriched only): compiled into it, no view of its own.
{{ config(materialized='ephemeral') }}

with

source as not materialized (

    select * from {{ source('landing', 'quotes') }}

),

latest as (

    {{ latest_version('source', 'quote_id') }}

),

final as (

    select
        quote_id,
        ticket_id,
        requested_at,
        {{ after_as_of('sent_at') }} as sent_at,
        amount,
        status,
        _load_id as load_id
    from latest
    where requested_at <= {{ as_of() }}

)

select * from final
