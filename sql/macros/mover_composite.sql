{#
    mover_composite(weight, rate, low, high): the composite Σ w·p of a group of rates and its 95%
    MOVER interval (Zou & Donner 2008) built from each rate's own 95% interval [low, high] (the
    Wilson interval), as three aggregate columns rate, ci_low and ci_high (SPEC §4):
        C = Σ w·p,  L = C − sqrt(Σ w²·(p − low)²),  U = C + sqrt(Σ w²·(high − p)²),  clipped to [0, 1].
    The weights must already sum to 1 over the group. The sums are exact decimals (a float sum
    depends on the order the threads add its terms; the same data must give the same warehouse to
    the last bit) and C is rounded to 12 decimals, so that a perfect quarter is exactly 1 and
    rate ≥ target is not decided by rounding noise. Unlike the delta-method interval
    (Σ w²·p(1 − p)/n), it keeps its width when a KPI sits at 0 % or 100 % on few events.
    Its Python twin, for filtered composites, is dashboard/stats/rates.py composite_interval
    (tests/sql/test_kpi_aggregates.py holds them equal).
#}
{% macro mover_composite(weight, rate, low, high) -%}
    {%- set composite -%}
        round(cast(sum(cast({{ weight }} * {{ rate }} as decimal(38, 18))) as double), 12)
    {%- endset -%}
    {%- set spread_low -%}
        cast(sum(cast(
            {{ weight }} * {{ weight }} * ({{ rate }} - {{ low }}) * ({{ rate }} - {{ low }})
            as decimal(38, 18)
        )) as double)
    {%- endset -%}
    {%- set spread_high -%}
        cast(sum(cast(
            {{ weight }} * {{ weight }} * ({{ high }} - {{ rate }}) * ({{ high }} - {{ rate }})
            as decimal(38, 18)
        )) as double)
    {%- endset -%}
    {{ composite }} as rate,
    greatest(0.0, {{ composite }} - sqrt({{ spread_low }})) as ci_low,
    least(1.0, {{ composite }} + sqrt({{ spread_high }})) as ci_high
{%- endmacro %}
