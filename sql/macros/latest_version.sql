{#
    latest_version(relation, key): the rows of a landing relation de-duplicated per key, the
    latest batch winning (highest _load_id, then highest _row_number within the batch; SPEC §2).
    The winners are picked on the narrow (key, _load_id, _row_number) columns and the wide rows
    joined back, so the sort never carries the free-text payload. The relation is read twice: an
    import CTE passed here must be declared `as not materialized`, or DuckDB would materialise it whole.
#}
{% macro latest_version(relation, key) -%}
    select records.*
    from {{ relation }} as records
    semi join (
        select {{ key }}, _load_id, _row_number
        from {{ relation }}
        qualify row_number() over (
            partition by {{ key }} order by _load_id desc, _row_number desc
        ) = 1
    ) as winners
        on records.{{ key }} = winners.{{ key }}
        and records._load_id = winners._load_id
        and records._row_number = winners._row_number
{%- endmacro %}
