-- One row per file per load (SPEC §5).
with

load_files as (

    select * from {{ ref('stg_load_files') }}

),

final as (

    select
        load_id,
        loaded_at,
        file_name,
        sha256,
        source,
        status,
        rows_read,
        rows_accepted,
        rows_rejected,
        message
    from load_files

)

select * from final
