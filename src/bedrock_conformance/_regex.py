"""Generate strings from a pattern: random members, shortest members, per-branch examples and near misses."""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Iterator
from typing import Any

from hypothesis import strategies as st

from ._ecma import compile_whole, translate

try:  # Python 3.11+
    import re._constants as _c
    import re._parser as _parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _parser

# Unbounded repeats ('+', '*') are drawn up to this many more than their minimum; lengths beyond it
# come from pumping (see ``pump``), so long values are still reached.
UNBOUNDED_EXTRA = 12
# Characters tried as intruders when a near miss needs a character outside a class.
INTRUDERS = string.printable + "é€\u2028\x00"
_CATEGORY_CHARS = {
    _c.CATEGORY_DIGIT: string.digits,
    _c.CATEGORY_SPACE: " \t\n\r\f\v",
    _c.CATEGORY_WORD: string.ascii_letters + string.digits + "_",
}


class _Class:
    """A character class from the parse tree: membership and a list of members to draw from."""

    def __init__(self, items: list[tuple[Any, Any]]):
        self.negate = False
        self.ranges: list[tuple[int, int]] = []
        for op, arg in items:
            if op is _c.NEGATE:
                self.negate = True
            elif op is _c.LITERAL:
                self.ranges.append((arg, arg))
            elif op is _c.RANGE:
                self.ranges.append(arg)
            elif op is _c.CATEGORY and arg in _CATEGORY_CHARS:
                self.ranges += [(ord(ch), ord(ch)) for ch in _CATEGORY_CHARS[arg]]
            else:
                raise ValueError(f"unsupported class item {op}")
        members = [ch for ch in map(chr, range(0x20, 0x7F)) if self.contains(ch)]
        if not self.negate:
            members += [chr(x) for lo, hi in self.ranges for x in range(lo, min(hi, lo + 64) + 1)]
        self.members = sorted(set(members), key=members.index)

    def contains(self, ch: str) -> bool:
        inside = any(lo <= ord(ch) <= hi for lo, hi in self.ranges)
        return inside != self.negate


Node = tuple[Any, Any]


def _tree(pattern: str) -> list[Node]:
    return list(_parser.parse(translate(pattern)))


def _repeat_bounds(lo: int, hi: int) -> tuple[int, int]:
    return lo, (lo + UNBOUNDED_EXTRA if hi == _c.MAXREPEAT else hi)


def _concat(parts: list[str | st.SearchStrategy[str]]) -> st.SearchStrategy[str]:
    """Fixed text and strategies in sequence. Adjacent fixed text is one ``just``: every part drawn costs the engine
    a span, and the identifier pattern's literals were most of the draws behind each generated value."""
    merged: list[str | st.SearchStrategy[str]] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    strategies = [st.just(p) if isinstance(p, str) else p for p in merged]
    if not strategies:
        return st.just("")
    if len(strategies) == 1:
        return strategies[0]
    return st.tuples(*strategies).map("".join)


def _fixed(seq: list[Node]) -> str | None:
    """The one string ``seq`` matches, when it is nothing but literals."""
    out = []
    for op, arg in seq:
        if op is _c.LITERAL:
            out.append(chr(arg))
        elif op is _c.SUBPATTERN and (inner := _fixed(list(arg[-1]))) is not None:
            out.append(inner)
        else:
            return None
    return "".join(out)


def _part(node: Node) -> str | st.SearchStrategy[str]:
    fixed = _fixed([node])
    return fixed if fixed is not None else _node_strategy(node)


def _strategy(seq: list[Node]) -> st.SearchStrategy[str]:
    return _concat([_part(n) for n in seq])


def _node_strategy(node: Node) -> st.SearchStrategy[str]:
    op, arg = node
    if op is _c.LITERAL:
        return st.just(chr(arg))
    if op is _c.IN:
        cls = _Class(arg)
        return st.sampled_from(cls.members)
    if op is _c.ANY:
        return st.sampled_from([ch for ch in INTRUDERS if ch not in "\n\r\u2028"])
    if op is _c.NOT_LITERAL:
        return st.sampled_from([ch for ch in INTRUDERS if ord(ch) != arg])
    if op is _c.SUBPATTERN:
        return _strategy(list(arg[-1]))
    if op is _c.BRANCH:
        fixed = [_fixed(list(alt)) for alt in arg[1]]
        if all(f is not None for f in fixed):  # (|-us-gov|-cn|...): one draw, not a branch of literal parts
            return st.sampled_from(fixed)
        return st.one_of([_strategy(list(alt)) for alt in arg[1]])
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        lo, hi = _repeat_bounds(arg[0], arg[1])
        body = list(arg[2])
        if len(body) == 1 and body[0][0] is _c.IN:
            # A repeated class is one text draw, not a list of one-character draws: far less engine work per value.
            return st.text(alphabet="".join(_Class(body[0][1]).members), min_size=lo, max_size=hi)
        return st.lists(_strategy(body), min_size=lo, max_size=hi).map("".join)
    if op is _c.AT:
        return st.just("")
    raise ValueError(f"unsupported regex construct {op}")


@functools.cache
def matching(pattern: str) -> st.SearchStrategy[str]:
    """Strings that match ``pattern`` as a whole (ECMA-262 meaning)."""
    whole = compile_whole(pattern)
    return _strategy(_tree(pattern)).filter(lambda s: whole.match(s) is not None)


def _choice_points(seq: list[Node], path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], int]]:
    for i, (op, arg) in enumerate(seq):
        here = (*path, i)
        if op is _c.SUBPATTERN:
            yield from _choice_points(list(arg[-1]), here)
        elif op is _c.BRANCH:
            for j, alt in enumerate(arg[1]):
                yield here, j
                yield from _choice_points(list(alt), (*here, j))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            lo, hi = _repeat_bounds(arg[0], arg[1])
            for count in sorted({lo, min(lo + 1, hi), hi}):
                yield here, count
            yield from _choice_points(list(arg[2]), (*here, 0))


def _build(
    seq: list[Node],
    forced: dict[tuple[int, ...], int],
    path: tuple[int, ...] = (),
    broken: tuple[tuple[int, ...], str] | None = None,
    fill: bool = False,
) -> str:
    """The shortest member, except where ``forced`` picks a branch or a repeat count, and where ``broken`` breaks."""
    out = []
    for i, node in enumerate(seq):
        op, arg = node
        here = (*path, i)
        inside = any(k[: len(here)] == here and len(k) > len(here) for k in forced)
        if broken is not None and broken[0] == here:
            if broken[1] == "char":
                out.append(next(ch for ch in INTRUDERS[62:] if not _allows(node, ch)))
            else:
                lo, hi = arg[0], arg[1]
                count = lo - 1 if broken[1] == "fewer" else hi + 1
                out.append("".join(_build(list(arg[2]), {}, (*here, 0)) for _ in range(count)))
            continue
        if op is _c.LITERAL:
            out.append(chr(arg))
        elif op is _c.IN:
            out.append(_Class(arg).members[0])
        elif op in (_c.ANY, _c.NOT_LITERAL):
            out.append(next(ch for ch in string.ascii_letters if op is _c.ANY or ord(ch) != arg))
        elif op is _c.SUBPATTERN:
            out.append(_build(list(arg[-1]), forced, here, broken, fill))
        elif op is _c.BRANCH:
            alts = arg[1]
            choice = forced.get(here)
            if choice is None:
                choice = next((j for j in range(len(alts)) if any(k[: len(here) + 1] == (*here, j) for k in forced)), 0)
            out.append(_build(list(alts[choice]), forced, (*here, choice), broken, fill))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            lo, hi = _repeat_bounds(arg[0], arg[1])
            count = forced.get(here, max(lo, 1) if inside or fill else lo)
            copies = [_build(list(arg[2]), forced, (*here, 0), None, fill) for _ in range(count)]
            if copies and broken is not None and broken[0][: len(here)] == here:
                copies[-1] = _build(list(arg[2]), forced, (*here, 0), broken, fill)
            out.append("".join(copies))
    return "".join(out)


@functools.cache
def branch_examples(pattern: str) -> tuple[str, ...]:
    """One member per branch and per repeat extreme of ``pattern``: every alternative is taken at least once."""
    seq = _tree(pattern)
    whole = compile_whole(pattern)
    found: list[str] = []
    for forced in [{}, *({k: v} for k, v in _choice_points(seq))]:
        candidate = _build(seq, forced)
        if whole.match(candidate) and candidate not in found:
            found.append(candidate)
    return tuple(found)


def pump(value: str, length: int, valid: Callable[[str], bool]) -> str | None:
    """Grow ``value`` to exactly ``length`` characters by repeating one character somewhere, staying valid."""
    if len(value) >= length:
        return value if len(value) == length and valid(value) else None
    extra = length - len(value)
    for i in range(len(value), -1, -1):
        for ch in dict.fromkeys(value[max(0, i - 1) : i + 1] + string.ascii_lowercase + string.digits):
            once = value[:i] + ch + value[i:]
            twice = value[:i] + ch * 2 + value[i:]
            if valid(once) and valid(twice):
                grown = value[:i] + ch * extra + value[i:]
                if valid(grown):
                    return grown
    return None


# Near misses: one construct of the pattern is broken, the rest is generated normally.
def _sites(seq: list[Node], path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], str]]:
    for i, (op, arg) in enumerate(seq):
        here = (*path, i)
        if op in (_c.LITERAL, _c.IN, _c.NOT_LITERAL, _c.ANY):
            yield here, "char"
        elif op is _c.SUBPATTERN:
            yield from _sites(list(arg[-1]), here)
        elif op is _c.BRANCH:
            for j, alt in enumerate(arg[1]):
                yield from _sites(list(alt), (*here, j))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            lo, hi = arg[0], arg[1]
            if lo > 0:
                yield here, "fewer"
            if hi != _c.MAXREPEAT:
                yield here, "more"
            yield from _sites(list(arg[2]), (*here, 0))


def _allows(node: Node, ch: str) -> bool:
    op, arg = node
    if op is _c.LITERAL:
        return ch == chr(arg)
    if op is _c.IN:
        return _Class(arg).contains(ch)
    if op is _c.NOT_LITERAL:
        return ch != chr(arg)
    return ch not in "\n\r\u2028\u2029"


def _intruder(node: Node) -> st.SearchStrategy[str]:
    return st.one_of(st.just(""), st.sampled_from([ch for ch in INTRUDERS if not _allows(node, ch)]))


def _near(seq: list[Node], site: tuple[tuple[int, ...], str], path: tuple[int, ...] = ()) -> st.SearchStrategy[str]:
    target, how = site
    parts: list[str | st.SearchStrategy[str]] = []
    for i, node in enumerate(seq):
        op, arg = node
        here = (*path, i)
        on_path = target[: len(here)] == here
        if not on_path:
            parts.append(_part(node))
        elif here == target and how == "char":
            parts.append(_intruder(node))
        elif here == target:
            lo, hi = arg[0], arg[1]
            count = lo - 1 if how == "fewer" else hi + 1
            parts.append(st.lists(_strategy(list(arg[2])), min_size=count, max_size=count).map("".join))
        elif op is _c.SUBPATTERN:
            parts.append(_near(list(arg[-1]), site, here))
        elif op is _c.BRANCH:
            j = target[len(here)]
            parts.append(_near(list(arg[1][j]), site, (*here, j)))
        else:  # a repeat on the way to the site: one copy broken, the others intact
            lo, hi = _repeat_bounds(arg[0], arg[1])
            inner = list(arg[2])
            parts.append(
                st.tuples(
                    st.lists(_strategy(inner), min_size=0, max_size=max(0, min(hi, 3) - 1)),
                    _near(inner, site, (*here, 0)),
                ).map(lambda t: "".join(t[0]) + t[1])
            )
    return _concat(parts)


@functools.cache
def near_misses(pattern: str) -> st.SearchStrategy[str]:
    """Strings that break ``pattern`` at one construct: a wrong literal, a foreign character, a bad count."""
    seq = _tree(pattern)
    by_kind: dict[str, list[tuple[tuple[int, ...], str]]] = {}
    for site in _sites(seq):
        by_kind.setdefault(site[1], []).append(site)
    whole = compile_whole(pattern)
    # A kind first, then a site of it: the few count sites are drawn as often as the many character sites.
    sites = st.sampled_from(sorted(by_kind)).flatmap(lambda kind: st.sampled_from(by_kind[kind]))
    # Built once per site, not once per draw: building hypothesis strategies costs more than drawing from them.
    # And only for the sites a run draws: a long pattern has hundreds, and building them all at once was most of a
    # default run's start-up.
    near: dict[tuple[tuple[int, ...], str], st.SearchStrategy[str]] = {}

    def at(site: tuple[tuple[int, ...], str]) -> st.SearchStrategy[str]:
        if site not in near:
            near[site] = _near(seq, site)
        return near[site]

    return sites.flatmap(at).filter(lambda s: whole.match(s) is None)


def _forcing(seq: list[Node], target: tuple[int, ...], path: tuple[int, ...] = ()) -> dict[tuple[int, ...], int]:
    """Branch choices that lead to ``target``."""
    forced: dict[tuple[int, ...], int] = {}
    for i, (op, arg) in enumerate(seq):
        here = (*path, i)
        if target[: len(here)] != here or target == here:
            continue
        if op is _c.SUBPATTERN:
            forced.update(_forcing(list(arg[-1]), target, here))
        elif op is _c.BRANCH:
            j = target[len(here)]
            forced[here] = j
            forced.update(_forcing(list(arg[1][j]), target, (*here, j)))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            forced[here] = max(arg[0], 1)
            forced.update(_forcing(list(arg[2]), target, (*here, 0)))
    return forced


@functools.cache
def near_miss_examples(pattern: str) -> tuple[str, ...]:
    """For every construct of ``pattern``, the shortest string that breaks it there and nowhere else."""
    seq = _tree(pattern)
    whole = compile_whole(pattern)
    found: list[str] = []
    for site in _sites(seq):
        # Once with optional parts left out, once with each taken: "arn:…/" with nothing after needs the latter.
        for fill in (False, True):
            candidate = _build(seq, _forcing(seq, site[0]), broken=site, fill=fill)
            if whole.match(candidate) is None and candidate not in found:
                found.append(candidate)
    return tuple(found)
