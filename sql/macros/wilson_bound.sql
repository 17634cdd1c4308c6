{#
    wilson_bound(successes, trials, side): one bound ('low' or 'high') of the 95% Wilson score
    interval of successes / trials (Wilson 1927; Newcombe 1998 method 3):
        (p + z²/2n ± z·sqrt(p(1 − p)/n + z²/4n²)) / (1 + z²/n),  z = z_95()
    null when trials is 0 or null; clipped to [0, 1] against rounding. Used for every rate (SPEC §4, §5).
#}
{% macro wilson_bound(successes, trials, side) -%}
    {%- set sign = '-' if side == 'low' else '+' -%}
    {%- set p = '(cast(' ~ successes ~ ' as double) / ' ~ trials ~ ')' -%}
    {%- set z = z_95() -%}
    case when {{ trials }} > 0 then
        {{ 'greatest(0.0, ' if side == 'low' else 'least(1.0, ' }}(
            {{ p }} + {{ z }} * {{ z }} / (2.0 * {{ trials }})
            {{ sign }} {{ z }} * sqrt(
                {{ p }} * (1 - {{ p }}) / {{ trials }}
                + {{ z }} * {{ z }} / (4.0 * {{ trials }} * {{ trials }})
            )
        ) / (1 + {{ z }} * {{ z }} / {{ trials }}))
    end
{%- endmacro %}
