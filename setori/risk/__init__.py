"""Risk triage: additive, explained scores of events and vessels (docs/risk.md).

Pure functions over an ``EVENTS`` table, static reports and stored hits:

* :mod:`.weights` - the one table of points and thresholds (``setori/data/risk-weights.toml``,
  overridable by a user TOML file);
* :mod:`.attributes` - what a vessel is (DPRK identity, missing IMO, list hits);
* :mod:`.events` - each event's points with reasons (detection.md §8.7);
* :mod:`.vessels` - a vessel's points over a window;
* :mod:`.model` - :class:`Reason`, :class:`EventScore`, :class:`VesselScore`: a score is
  always the sum of its breakdown.

This package marker stays light (``import setori`` binds the ``risk`` verb over it).
"""
