-- One row per rejected input row with its reason (SPEC §5).
with

rejected_rows as (

    select * from {{ ref('stg_rejected_rows') }}

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
    from rejected_rows

)

select * from final
