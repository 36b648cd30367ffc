"""The names of the detection profiles and event types, importable without the detectors.

The command line builds its choices from these at start-up, before (and often without)
loading NumPy, numba or Polars; :mod:`setori.detect.run` checks its registry against them.
"""

from __future__ import annotations

#: Parameter profiles: ``gfw`` (comparable with Global Fishing Watch) and ``dprk`` (sensitive).
PROFILES = ("gfw", "dprk")
#: Event types made by a detector of their own, in the order they run.
PRIMARY_TYPES = ("encounter", "loitering", "gap", "port_visit", "zone_entry", "identity")
#: Event types derived from other detectors' events; they run after them.
DERIVED_TYPES = ("dark_rendezvous", "dark_approach")
EVENT_TYPES = (*PRIMARY_TYPES, *DERIVED_TYPES)
