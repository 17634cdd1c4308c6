-- CAPA effect counts (SPEC §8): for each completed CAPA, complaints with the same
-- root_cause_category (and product_model where the CAPA's complaint has one) received in the
-- window_days before capa_done_at ([done − d, done)) and after it ([done, done + d)). The after
-- window is pending while done + d lies after the as-of time. The complaints the CAPA answers are
-- left out of the before-window (they are why it exists; counting them builds in regression to the
-- mean): its own complaint, and those that record the same capa_action for the same cause (and
-- model) — one CAPA entered on several complaints; complaints_answered counts them. The test is
-- done in dashboard/stats/capa.py; a CAPA whose complaint has no root cause has null counts.
with

complaints as (

    select * from {{ ref('int_complaints_enriched') }}

),

capas as (

    select
        complaint_id,
        root_cause_category,
        product_model,
        responsible_department,
        capa_action,
        capa_owner,
        capa_due_at,
        capa_done_at,
        capa_effective,
        capa_done_at - to_days(cast({{ var('capa_effect_days') }} as integer)) as before_from,
        capa_done_at + to_days(cast({{ var('capa_effect_days') }} as integer)) as after_until
    from complaints
    where capa_done_at is not null

),

pairs as (

    select
        capas.complaint_id,
        others.received_at < capas.capa_done_at as is_before,
        others.complaint_id = capas.complaint_id
        or coalesce(others.capa_action = capas.capa_action, false) as is_answered
    from capas
    inner join complaints as others
        on capas.root_cause_category = others.root_cause_category
        and capas.before_from <= others.received_at
        and capas.after_until > others.received_at
    where capas.product_model is null or others.product_model = capas.product_model

),

matches as (

    select
        complaint_id,
        count_if(is_before and not is_answered) as complaints_before,
        count_if(is_before and is_answered) as complaints_answered,
        count_if(not is_before) as complaints_after
    from pairs
    group by complaint_id

),

final as (

    select
        capas.complaint_id,
        capas.root_cause_category,
        capas.product_model,
        capas.responsible_department,
        capas.capa_action,
        capas.capa_owner,
        capas.capa_due_at,
        capas.capa_done_at,
        capas.capa_effective,
        {{ var('capa_effect_days') }} as window_days,
        case
            when capas.root_cause_category is not null
                then coalesce(matches.complaints_before, 0)
        end as complaints_before,
        case
            when capas.root_cause_category is not null
                then coalesce(matches.complaints_after, 0)
        end as complaints_after,
        case
            when capas.root_cause_category is not null
                then coalesce(matches.complaints_answered, 0)
        end as complaints_answered,
        capas.after_until,
        capas.after_until > {{ as_of() }} as is_pending,
        least(
            epoch({{ as_of() }} - capas.capa_done_at) / 86400.0, {{ var('capa_effect_days') }}
        ) as after_days_observed
    from capas
    left join matches
        on capas.complaint_id = matches.complaint_id

)

select * from final
