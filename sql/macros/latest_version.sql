{#
    latest_version(relation, key): the rows of a landing relation de-duplicated per key, the
    latest batch winning (highest _load_id, then highest _row_number within the batch; SPEC §2).
    Keys loaded more than once are found with one aggregate over the narrow key columns, and their
    superseded rows dropped with an anti join: in the usual case (every key once) that is a hash
    aggregate and an empty join, not a sort of every row. Rows without a key are left out. The
    relation is read twice: an import CTE passed here must be declared `as not materialized`, or
    DuckDB would materialise it whole.
#}
{% macro latest_version(relation, key) -%}
    select records.*
    from {{ relation }} as records
    anti join (
        select
            {{ key }},
            max({'load_id': _load_id, 'row_number': _row_number}) as latest
        from {{ relation }}
        group by {{ key }}
        having count(*) > 1
    ) as superseded
        on records.{{ key }} = superseded.{{ key }}
        and {'load_id': records._load_id, 'row_number': records._row_number} <> superseded.latest
    where records.{{ key }} is not null
{%- endmacro %}
