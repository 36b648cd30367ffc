"""The one releasability policy (docs/sharing.md; the sharing reference, section C, rules 1-6).

Every read surface and every outbound channel asks these functions and nothing else; each
answer is a :class:`Decision` whose ``reason`` can go to the audit log (never to the
caller: an unreadable item must look like a missing one).

* :func:`can_read` (rule 1): the reader's nation is in REL TO; the item is not limited to
  other organisations; TLP:RED only for its named recipients.
* :func:`visible` (rule 5): a relationship or sighting only when it and every object it
  references can be read.
* :func:`derive` (rule 4): a product over several items is releasable to the nations
  common to all of them, at the strictest of their TLPs.
* :func:`may_remark` (rules 2-3): anyone who may read and mark may narrow; only the
  originator's organisation may widen (a new version).
* :func:`may_disseminate` (rule 6): what TLP allows an automated outbound channel,
  judged on the channel's registration.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from setori.share.markings import TLP_ORDER, Marking, MarkingError, Originator, Tlp

Audience = Literal["org", "clients", "community", "public"]
#: What each TLP lets an automated channel reach (rule 6); RED reaches no channel.
REACH: dict[Tlp, frozenset[Audience]] = {
    "CLEAR": frozenset({"org", "clients", "community", "public"}),
    "GREEN": frozenset({"org", "clients", "community"}),
    "AMBER": frozenset({"org", "clients"}),
    "AMBER+STRICT": frozenset({"org"}),
    "RED": frozenset(),
}


@dataclass(frozen=True, slots=True)
class Principal:
    """Who asks: a nation (ISO alpha-3), an organisation, a user, and what they may do."""

    nation: str
    org: str
    user: str
    scopes: frozenset[str] = frozenset({"read"})


@dataclass(frozen=True, slots=True)
class Endpoint:
    """An outbound channel as it was registered (never as it describes itself): the
    nation and organisation it delivers to and its audience class."""

    nation: str
    org: str
    audience: Audience


@dataclass(frozen=True, slots=True)
class Decision:
    """Allowed or not, and why (for the audit log)."""

    allowed: bool
    reason: str

    def __bool__(self) -> bool:
        return self.allowed


def _allow(reason: str) -> Decision:
    return Decision(True, reason)


def _deny(reason: str) -> Decision:
    return Decision(False, reason)


def tlp_rank(tlp: Tlp) -> int:
    """0 for CLEAR up to 4 for RED: the higher, the narrower."""
    return TLP_ORDER.index(tlp)


def can_read(who: Principal, item: Marking) -> Decision:
    """Rule 1: may ``who`` read an item marked ``item``?"""
    if who.nation not in item.rel_to:
        return _deny(f"{who.nation} is not in {item.rel_to_text}")
    if item.orgs and who.org not in item.orgs and who.org != item.originator.org:
        return _deny(f"organisation {who.org} is not among {sorted(item.orgs)}")
    if item.tlp == "RED" and who.user not in item.named_recipients:
        return _deny(f"TLP:RED and {who.user} is not a named recipient")
    return _allow(f"{who.nation}/{who.org} may read ({item.rel_to_text}, TLP:{item.tlp})")


def visible(who: Principal, item: Marking, references: Iterable[Marking] = ()) -> Decision:
    """Rule 5: a relationship, sighting or report is shown only when it can be read and
    every object it references can be read too (else it is left out entirely)."""
    own = can_read(who, item)
    if not own:
        return own
    for n, referenced in enumerate(references, 1):
        seen = can_read(who, referenced)
        if not seen:
            return _deny(f"referenced object {n} is not readable: {seen.reason}")
    return own


def derive(
    sources: Sequence[Marking],
    originator: Originator,
    *,
    rel_to: Iterable[str] | None = None,
    tlp: Tlp | None = None,
) -> Marking:
    """Rule 4: the marking of a product built from ``sources`` (a case over events, a
    relationship between two objects): REL TO the nations common to every source (and to
    ``rel_to`` when declared), the strictest TLP of the sources and ``tlp``, every caveat,
    the organisation limits of every limited source, and for TLP:RED only the recipients
    every RED source names. Raises :class:`MarkingError` when the originator's own nation
    falls out (the product could not be shared at all)."""
    if not sources:
        raise MarkingError("a derived item needs at least one source marking")
    nations = frozenset.intersection(*(s.rel_to for s in sources))
    if rel_to is not None:
        nations &= frozenset(rel_to)
    labels = [s.tlp for s in sources] + ([tlp] if tlp is not None else [])
    strictest = max(labels, key=tlp_rank)
    limited = [s.orgs for s in sources if s.orgs]
    orgs = frozenset.intersection(*limited) if limited else frozenset()
    red = [s.named_recipients for s in sources if s.tlp == "RED"]
    named = frozenset.intersection(*red) if red else frozenset()
    if originator.nation not in nations:
        raise MarkingError(
            f"the sources are releasable together only to {sorted(nations) or 'nobody'}, "
            f"not to the originator {originator.nation}"
        )
    if strictest == "RED" and not named:
        raise MarkingError("the TLP:RED sources name no recipient in common")
    caveats = frozenset().union(*(s.caveats for s in sources))
    return Marking(originator, strictest, nations, orgs, named, caveats)


def widens(old: Marking, new: Marking) -> bool:
    """Does ``new`` reach anyone ``old`` did not (more nations, a lower TLP, fewer
    organisation limits or named recipients)?"""
    more_recipients = old.tlp == "RED" and not new.named_recipients <= old.named_recipients
    return (
        not new.rel_to <= old.rel_to
        or tlp_rank(new.tlp) < tlp_rank(old.tlp)
        or (bool(old.orgs) and not (new.orgs and new.orgs <= old.orgs))
        or (new.tlp == "RED" and more_recipients)
    )


def may_remark(who: Principal, old: Marking, new: Marking) -> Decision:
    """Rules 2-3: a new marking of an existing item. The originator never changes; anyone
    who may read it and holds ``mark`` may narrow; only the originator's organisation may
    widen."""
    if new.originator != old.originator:
        return _deny("the originator of an item never changes")
    readable = can_read(who, old)
    if not readable:
        return readable
    if widens(old, new):
        if (who.nation, who.org) != (old.originator.nation, old.originator.org):
            return _deny(f"only {old.originator.nation}/{old.originator.org} may widen it")
        return _allow("the originator widens it (a new version)")
    is_originator = (who.nation, who.org) == (old.originator.nation, old.originator.org)
    if "mark" not in who.scopes and not is_originator:
        return _deny(f"{who.user} may not mark items (no 'mark' scope)")
    return _allow("narrowed")


def may_disseminate(item: Marking, to: Endpoint) -> Decision:
    """Rule 6: may an automated channel registered as ``to`` receive the item? Its nation
    must be in REL TO, its organisation allowed, and its audience within the TLP's reach
    (RED: no channel at all)."""
    if item.tlp == "RED":
        return _deny("TLP:RED has no automated outbound channel")
    if to.nation not in item.rel_to:
        return _deny(f"endpoint nation {to.nation} is not in {item.rel_to_text}")
    if item.orgs and to.org not in item.orgs and to.org != item.originator.org:
        return _deny(f"endpoint organisation {to.org} is not among {sorted(item.orgs)}")
    if to.audience not in REACH[item.tlp]:
        return _deny(f"TLP:{item.tlp} does not reach a {to.audience} channel")
    return _allow(f"TLP:{item.tlp} reaches a {to.audience} channel of {to.nation}")
