"""After-sales service data pipelines: ingest, landing store, warehouse build (SPEC §2–§6)."""

__version__ = "0.1.0"
