"""Bulk exchange for staff: the format, export, import with a validation report, ACLED, and
data-quality checks. docs/exchange.md describes the format."""
