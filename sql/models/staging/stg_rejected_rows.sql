-- Rejected input rows with their reasons, as the loads recorded them.
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
        reason
    from source

)

select * from final
