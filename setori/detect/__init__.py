"""Detectors: ship-to-ship encounters, loitering, AIS gaps, port visits, zones, identity.

Each detector is a pure function over a positions table (canonical columns plus
``segment_id``) returning an events table of schema :data:`setori.detect.events.EVENTS`.
"""
