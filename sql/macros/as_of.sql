{#
    as_of: the build's as-of time (naive local time in the configured zone) as a TIMESTAMP literal.
    Every "now" of the KPIs is this value, never the clock (SPEC §2, §4). It is read from the
    settings table settings_build (one row, written by pipelines/build.py before dbt runs) when a
    model is compiled, so the SQL carries a constant DuckDB can fold and push down. A table rather
    than a dbt var: a var that changes with every build would make dbt re-parse the whole project.
    Read from the source itself, so that the models using it wait for no staging model. Unit tests
    override this macro (overrides: macros: as_of: …) and give the source as an empty input.
#}
{% macro as_of() -%}
    {%- set build_settings = source('settings', 'settings_build') -%}
    {%- if execute -%}
        {%- set rows = run_query("select cast(as_of as varchar) from " ~ build_settings) -%}
        {%- if rows | length != 1 -%}
            {{ exceptions.raise_compiler_error("settings_build must hold exactly one row, found " ~ (rows | length)) }}
        {%- endif -%}
        cast('{{ rows.columns[0].values()[0] }}' as timestamp)
    {%- else -%}
        cast(null as timestamp)
    {%- endif -%}
{%- endmacro %}
