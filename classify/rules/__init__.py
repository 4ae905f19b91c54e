"""Rules propose signals; `classify.scoring` turns them into a kind and a confidence.

Each rule is a small class in the afew style: declarative attributes say when it
applies (`direction`) and what it proposes, and one method, `signals`, reads the
`Facts` of a message and yields `Signal`s. The chain is assembled by name in
`CHAIN`, so a rule can be removed or reordered without touching the others.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from carnet.classify.evidence import Kind
from carnet.classify.facts import Facts


@dataclass(frozen=True)
class Signal:
    """A rule's vote: this message looks like `kind`, with this weight, because `reason`."""

    kind: Kind
    weight: float
    reason: str
    strong: bool = False


class Rule:
    """Base of every rule. `direction` is "incoming", "outgoing" or "any"."""

    name: ClassVar[str]
    direction: ClassVar[str] = "any"
    #: The rule only ever votes `none`: it can lower evidence's confidence, never make
    #: evidence, so it runs only once another rule has voted for evidence.
    only_none: ClassVar[bool] = False
    #: The rule runs first, and when it votes (`none`, always), its vote is all there is:
    #: the other rules do not run.
    gate: ClassVar[bool] = False

    def applies(self, facts: Facts) -> bool:
        if self.direction == "any":
            return True
        return facts.outgoing == (self.direction == "outgoing")

    def signals(self, facts: Facts) -> Iterator[Signal]:
        raise NotImplementedError

