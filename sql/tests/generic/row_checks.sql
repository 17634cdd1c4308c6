{#
    row_checks: the row rules of one model checked in one scan and one test, instead of one test
    (and one full scan) per rule and column. Each argument is optional:
      not_null: [column, …]                   the column is never null;
      unique: [column or [column, …], …]      no two rows share the value (a single column: nulls
                                              ignored, as dbt's unique; a list: the combination,
                                              nulls included, as unique_combination);
      accepted_values: {column: [value, …]}   the column is one of the values where it is not null;
      between: {column: [min, max]}           min ≤ column ≤ max where it is not null;
      rate_interval: {rate, low, high[, rate_required]}   as the valid_rate_interval test.
    Returns one row per broken rule: the rule and how many rows break it (for a uniqueness rule,
    how many rows repeat a value).
#}
{% test row_checks(model, not_null=[], unique=[], accepted_values={}, between={}, rate_interval=none) %}

{%- set checks = [] -%}
{%- for column in not_null -%}
    {%- do checks.append((column ~ ' is null', 'count_if(' ~ column ~ ' is null)')) -%}
{%- endfor -%}
{%- for key in unique -%}
    {%- if key is string -%}
        {%- do checks.append((key ~ ' is not unique', 'count(' ~ key ~ ') - count(distinct ' ~ key ~ ')')) -%}
    {%- else -%}
        {%- set columns = key | join(', ') -%}
        {%- do checks.append(('(' ~ columns ~ ') is not unique', 'count(*) - count(distinct (' ~ columns ~ '))')) -%}
    {%- endif -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}
        {%- do quoted.append("'" ~ (value | string | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {%- do checks.append((
        column ~ ' not in accepted values',
        'count_if(' ~ column ~ ' not in (' ~ (quoted | join(', ')) ~ '))'
    )) -%}
{%- endfor -%}
{%- for column, bounds in between.items() -%}
    {%- do checks.append((
        column ~ ' outside [' ~ bounds[0] ~ ', ' ~ bounds[1] ~ ']',
        'count_if(' ~ column ~ ' < ' ~ bounds[0] ~ ' or ' ~ column ~ ' > ' ~ bounds[1] ~ ')'
    )) -%}
{%- endfor -%}
{%- if rate_interval -%}
    {%- do checks.append((
        'invalid rate interval ' ~ rate_interval.rate,
        'count_if(' ~ rate_interval_broken(
            rate_interval.rate, rate_interval.low, rate_interval.high, rate_interval.get('rate_required', true)
        ) ~ ')'
    )) -%}
{%- endif -%}

with

counts as (

    select
        {%- for label, expression in checks %}
        {{ expression }} as check_{{ loop.index }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ model }}

)

{% for label, expression in checks -%}
select '{{ label | replace("'", "''") }}' as rule, check_{{ loop.index }} as failing_rows
from counts
where check_{{ loop.index }} > 0
{% if not loop.last %}union all
{% endif -%}
{%- endfor %}

{% endtest %}
