"""Inspraak: anonymous pupil voice for secondary schools."""
