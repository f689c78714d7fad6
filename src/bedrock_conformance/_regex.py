"""Generate strings from a pattern: random members, shortest members, per-branch examples (near misses: _near)."""

from __future__ import annotations

import functools
import string
from collections.abc import Callable, Iterator, Mapping
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


def _cls(items: Any) -> _Class:
    """The class of a parse-tree IN node, built once: near misses ask the same classes hundreds of times."""
    return _class_of(tuple(items))


@functools.cache
def _class_of(items: tuple[tuple[Any, Any], ...]) -> _Class:
    return _Class(list(items))


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
        cls = _cls(arg)
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
            return st.text(alphabet="".join(_cls(body[0][1]).members), min_size=lo, max_size=hi)
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
    replace: Mapping[tuple[int, ...], str] | None = None,
) -> str:
    """The shortest member, except where ``forced`` picks a branch or a repeat count, where ``broken`` breaks, and
    where ``replace`` puts its text instead of a node (in a repeat, instead of the last copy's)."""
    out = []
    replace = replace or {}
    for i, node in enumerate(seq):
        op, arg = node
        here = (*path, i)
        if here in replace:
            out.append(replace[here])
            continue
        if broken is not None and broken[0] == here:
            if broken[1] == "char":
                out.append(_outsider(node))
            else:
                lo, hi = arg[0], arg[1]
                count = lo - 1 if broken[1] == "fewer" else hi + 1
                out.append("".join(_build(list(arg[2]), {}, (*here, 0)) for _ in range(count)))
            continue
        if op is _c.LITERAL:
            out.append(chr(arg))
        elif op is _c.IN:
            out.append(_cls(arg).members[0])
        elif op in (_c.ANY, _c.NOT_LITERAL):
            out.append(next(ch for ch in string.ascii_letters if op is _c.ANY or ord(ch) != arg))
        elif op is _c.SUBPATTERN:
            out.append(_build(list(arg[-1]), forced, here, broken, fill, replace))
        elif op is _c.BRANCH:
            alts = arg[1]
            choice = forced.get(here)
            if choice is None:
                choice = next((j for j in range(len(alts)) if any(k[: len(here) + 1] == (*here, j) for k in forced)), 0)
            out.append(_build(list(alts[choice]), forced, (*here, choice), broken, fill, replace))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            lo, hi = _repeat_bounds(arg[0], arg[1])
            inside = any(k[: len(here)] == here and len(k) > len(here) for k in forced)
            count = forced.get(here, max(lo, 1) if inside or fill else lo)
            copies = [_build(list(arg[2]), forced, (*here, 0), None, fill) for _ in range(count)]
            reached = broken is not None and broken[0][: len(here)] == here
            if copies and (reached or any(k[: len(here)] == here for k in replace)):
                copies[-1] = _build(list(arg[2]), forced, (*here, 0), broken, fill, replace)
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


def _outsider(node: Node) -> str:
    """A character ``node`` does not allow: punctuation first, then space, the extra intruders, digits and letters,
    then the ends of its class's ranges (a negated class of letters, or of characters no intruder is, has none
    among the intruders)."""
    candidates = INTRUDERS[62:] + INTRUDERS[:62]
    op, arg = node
    if op is _c.NOT_LITERAL:
        candidates += chr(arg)
    elif op is _c.IN:
        ranges = _cls(arg).ranges
        candidates += "".join(chr(lo) for lo, _ in ranges) + "".join(chr(hi + 1) for _, hi in ranges if hi < 0x10FFFF)
    return next(ch for ch in candidates if not _allows(node, ch))


def _allows(node: Node, ch: str) -> bool:
    op, arg = node
    if op is _c.LITERAL:
        return ch == chr(arg)
    if op is _c.IN:
        return _cls(arg).contains(ch)
    if op is _c.NOT_LITERAL:
        return ch != chr(arg)
    return ch not in "\n\r\u2028\u2029"
