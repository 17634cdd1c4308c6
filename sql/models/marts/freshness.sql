-- Per source: records in the warehouse, the newest record time and the last load of a file of it.
with

tickets as (

    select * from {{ ref('tickets') }}

),

complaints as (

    select * from {{ ref('complaints') }}

),

surveys as (

    select * from {{ ref('survey_responses') }}

),

customers as (

    select * from {{ ref('customers') }}

),

quotes as (

    select * from {{ ref('int_quotes_enriched') }}

),

load_files as (

    select * from {{ ref('load_files') }}

),

newest as (

    select
        'tickets' as source,
        count(*) as records,
        max(reported_at) as newest_record
    from tickets
    union all
    select
        'quotes' as source,
        count(*) as records,
        max(requested_at) as newest_record
    from quotes
    union all
    select
        'surveys' as source,
        count(*) as records,
        max(responded_at) as newest_record
    from surveys
    union all
    select
        'complaints' as source,
        count(*) as records,
        max(received_at) as newest_record
    from complaints
    union all
    select
        'customers' as source,
        count(*) as records,
        null::timestamp as newest_record
    from customers

),

loads as (

    select
        source,
        max(loaded_at) as last_load
    from load_files
    where status = 'loaded'
    group by source

),

final as (

    select
        newest.source,
        newest.records,
        newest.newest_record,
        loads.last_load
    from newest
    left join loads
        on newest.source = loads.source

)

select * from final
