"""Feature weights of the matcher, in one table so they can be calibrated (screening.md §C.3-4).

A hit's score is the clipped sum of its features' contributions. The strongest piece of
positive evidence counts in full; every further agreeing piece adds :data:`CORROBORATION`;
contradictions subtract. Bands come from :func:`setori.screen.model.band_of`.
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
ONE_EDIT_SHORT = 0.75  # one edit in a name of at most 4 letters
ONE_EDIT_MEDIUM = 0.85  # 5-7 letters
ONE_EDIT_LONG = 0.90  # 8 letters and more
FUZZY_MIN_SIMILARITY = 0.85  # 1 - edits/length; below this, no name evidence
FUZZY_FACTOR = 0.90  # fuzzy contribution = similarity * factor
WEAK_ALIAS_FACTOR = 0.80  # weakAlias name forms count for less (logic-v2's weak_alias 0.8)

# Persons and organisations.
BIRTH_DATE_MATCH = 0.05
