"""Risk triage: additive, explained scores of events and vessels (docs/risk.md)."""
