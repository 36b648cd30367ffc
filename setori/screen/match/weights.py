"""Feature weights of the matcher, in one table so they can be calibrated (screening.md §C.3-4).

A hit's score is the clipped sum of its features' contributions. The strongest piece of
positive evidence counts in full; every further agreeing piece adds :data:`CORROBORATION`;
qualifiers (:data:`FLAG_AGREES`) add in full; contradictions subtract. Bands come from
:func:`setori.screen.model.band_of`.
"""

from __future__ import annotations

# Identifier tier (exact, canonical forms).
IMO_EXACT = 0.95
MMSI_EXACT = 0.95
CALL_SIGN_EXACT = 0.90  # call signs are re-issued after a change of flag
CORROBORATION = 0.05  # each further agreeing identifier or name

# Contradiction evidence (negative features).
IMO_CONFLICT = -0.35  # same name, a different valid ship IMO: a sister ship or another hull
MID_FLAG_CONFLICT = -0.05  # same IMO, but the MMSI's MID names another flag
FLAG_CONFLICT = -0.05  # same IMO, but the declared flag is neither the listed nor a past flag
CALL_SIGN_FLAG_CONFLICT = -0.05  # a DPRK call sign broadcast under a foreign flag
DERIVED_NAME = -0.02  # the query name was transliterated or its surname swapped

# Vessel names.
NAME_EXACT = 1.0
NAME_SPACING = 0.97  # same letters, different spaces or punctuation
NAME_WORD_ORDER = 0.95
NAME_ROMANISATION = 0.92  # Hangul query equal to the list name after the romanisation fold
NAME_SPELLING = 0.85  # Latin names equal after the romanisation fold (Jeong/Chong, Gum/Kum)
# One edit, by the length of the longer collapsed name (letters and hull digits). Short names
# are weak evidence. Of 4,495 real AIS names (the shared DMA, AMSA, aisdb, NOAA, gpsd and GFW
# samples), 15 % of those of 2-4 characters lie one substitution, insertion or deletion from
# a listed vessel name, 2-5 % at 5-7, 0.2 % from 8 on; an adjacent swap: 0.9 % at 4, at most
# 0.3 % from 5 on (docs/screening.md, "Short names"). Weak means below REVIEW_AT: no alert on
# the name alone, but an identifier or an agreeing flag (FLAG_AGREES) still counts.
ONE_EDIT_SHORT = 0.60  # at most SHORT_NAME_MAX characters
ONE_EDIT_MEDIUM = 0.65  # up to MEDIUM_NAME_MAX characters
ONE_EDIT_LONG = 0.90  # longer names: one edit stays strong evidence
SWAP_MEDIUM = 0.80  # an adjacent swap in SHORT_SWAP_MAX+1 .. MEDIUM_NAME_MAX characters
SHORT_NAME_MAX = 5
MEDIUM_NAME_MAX = 7
SHORT_SWAP_MAX = 4  # an adjacent swap in at most this many characters is weak
FLAG_AGREES = 0.15  # lifts a weak name match when the declared flag or MID is a listed one
FUZZY_MIN_SIMILARITY = 0.85  # 1 - edits/length; below this, no name evidence
FUZZY_FACTOR = 0.90  # fuzzy contribution = similarity * factor
WEAK_ALIAS_FACTOR = 0.80  # weakAlias name forms count for less (logic-v2's weak_alias 0.8)

# Persons and organisations.
BIRTH_DATE_MATCH = 0.05
GIVEN_NAME_CONFLICT = -0.30  # Korean persons: same surname, given names differ syllable-wise
GIVEN_NAME_CAP = 0.60  # ... and the name evidence is held to at most this
