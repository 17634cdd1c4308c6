{#
    timeliness_event(happened_at, due_at): the "as repair_timeliness" rule of SPEC §4, as two
    columns `settled_at` and `success`.
      - happened by the due time (exactly at due is on time): settles when it happened, success;
      - happened late, or not happened and the due time has passed (due < as_of):
        settles at the due time, failure;
      - not happened and not yet due: pending, settled_at null (the caller drops it).
    happened_at must already be null when it lies after as_of (staging does that).
#}
{% macro timeliness_event(happened_at, due_at) -%}
    case
        when {{ happened_at }} <= {{ due_at }} then {{ happened_at }}
        when {{ happened_at }} is not null or {{ due_at }} < {{ as_of() }} then {{ due_at }}
    end as settled_at,
    coalesce({{ happened_at }} <= {{ due_at }}, false) as success
{%- endmacro %}
