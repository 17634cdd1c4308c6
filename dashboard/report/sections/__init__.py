"""The sections of the quarterly report, one module per subject; quarterly_doc puts them in order
under the cover."""
