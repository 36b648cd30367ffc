"""Cases: evidence, frozen snapshots, the hash-chained case log, sightings, bundles (domain).

Nothing here imports the store, the workspace, the verbs or the CLI: the wiring in
:mod:`setori.casework` hands plain values in and stores what comes out.
"""
