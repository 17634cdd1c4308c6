-- Load history: the files of every committed batch plus the log of loads that landed no batch
-- (landing/log; an empty relation while it holds no file).
-- Ephemeral (read by the load_files and meta_build marts only): compiled into it, no view of its own.
{{ config(materialized='ephemeral') }}

with

batch_files as (

    select
        *,
        true as is_batch
    from {{ source('landing', 'load_files') }}

),

log_files as (

    select
        *,
        false as is_batch
    from {{ source('landing', 'load_log') }}

),

unioned as (

    select * from batch_files
    union all by name
    select * from log_files

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
        message,
        is_batch
    from unioned

)

select * from final
