-- Rejected input rows with their reasons, as the loads recorded them.
-- Ephemeral (read by the rejected_rows mart only): compiled into it, no view of its own.
{{ config(materialized='ephemeral') }}

with

source as (

    select * from {{ source('landing', 'rejected_rows') }}

),

final as (

    select
        load_id,
        file_name,
        sha256,
        source,
        row_number,
        record_key,
        "column",
        value,
        reason,
        reason_code,
        reason_params
    from source

)

select * from final
