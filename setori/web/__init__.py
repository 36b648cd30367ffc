"""Presentation at the edge: self-contained HTML views of tracks and events."""
