"""Share: partner-nation releasability (TLP 2.0 + REL TO), domain only (docs/sharing.md).

:mod:`.markings` holds what an item carries (TLP, the nations it is releasable to, the
organisations and named recipients it may be limited to, its originator); :mod:`.policy`
is the one function every read and every outbound channel asks (reference sharing.md,
section C, rules 1-6). Nothing here touches a database or the network.
"""
