"""Reports: a case rendered as HTML and PDF (maps, timelines, tables), from plain values."""
