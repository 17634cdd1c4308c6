-- One row per ticket known at the as-of time (cancelled ones flagged, not dropped), for
-- drill-down lists and the complaint rate: dimensions, due times and whether it is open or overdue.
-- A view: int_tickets_enriched already holds every column, and writing a million wide rows
-- twice was the slowest step of the build.
{{ config(materialized='view') }}

with

tickets as (

    select * from {{ ref('int_tickets_enriched') }}

),

final as (

    select * from tickets

)

select * from final
