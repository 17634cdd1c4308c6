"""dbt's `adapter` as sqlfluff's jinja templater renders the models (.sqlfluff's library_path):
quote() as dbt-duckdb's, in double quotes."""


def quote(identifier: str) -> str:
    return f'"{identifier}"'
