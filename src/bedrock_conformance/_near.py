"""Near misses of a pattern: strings that break exactly one of its constructs, and members that overlap its parts."""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Iterator

from hypothesis import strategies as st

from ._ecma import compile_whole
from ._regex import (
    INTRUDERS,
    Node,
    _allows,
    _build,
    _c,
    _Class,
    _cls,
    _concat,
    _fixed,
    _part,
    _repeat_bounds,
    _strategy,
    _tree,
    branch_examples,
)

# Near misses: one construct of the pattern is broken, the rest is generated normally.
# The kinds of break, each a mistake a loose validator makes: a wrong literal character ("literal"), a character
# just outside a class ("class"), a literal or class letter in the other case ("case"), another value where an
# alternation of literals stands ("alternative"), a separator dropped or repeated ("separator"), a character that
# only a second percent-decoding turns into one the pattern allows ("percent"), and a repeat count one outside its
# bounds ("count").
NEAR_MISS_KINDS = ("literal", "class", "case", "alternative", "separator", "percent", "count")
# Characters a loose class lets through: Python's \w and \d (underscore, non-ASCII letters and digits), a space,
# a percent sign and a path separator.
PLAUSIBLE = ("_", " ", "\u00e9", "\u0663", "%", "/", "!")


def _percent(ch: str) -> str:
    """``ch`` percent-encoded: one decoding leaves a '%', a second gives ``ch`` back."""
    return "".join(f"%{b:02X}" for b in ch.encode())


def _other_case(cls: _Class) -> list[str]:
    """Letters of the other case than a class's own, where it has letters of one case only."""
    return [ch.swapcase() for ch in cls.members if ch.isascii() and ch.isalpha() and not cls.contains(ch.swapcase())]


def _readable(cls: _Class) -> str:
    """A member to encode: a letter where the class has one, so that '%41' reads as 'A'."""
    return next((ch for ch in cls.members if ch.isascii() and ch.isalpha()), cls.members[0])


def _options(node: Node) -> list[str] | None:
    """The literal options of an alternation, or None when one of them is not a literal."""
    op, arg = node
    if op is not _c.BRANCH:
        return None
    fixed = [_fixed(list(alt)) for alt in arg[1]]
    return None if any(f is None for f in fixed) else [f for f in fixed if f is not None]


def _alternatives(options: list[str], words: tuple[str, ...] = ()) -> list[str]:
    """Values that an alternation of ``options`` does not allow, made from its options: one letter changed, a part
    dropped or added, a plural; and ``words`` (with the options' leading separator) of a length the options have."""
    found: list[str] = []
    filled = [o for o in options if o]
    # The separator every option starts with ('-' in '(|-us-gov|-cn)'): new values start with it too.
    first = {o[0] for o in filled}
    lead = first.pop() if len(first) == 1 and not next(iter(first)).isalnum() else ""
    for option in filled:
        body = option[len(lead) :]
        parts = re.split(r"([^0-9A-Za-z])", body)
        last = option[-1]
        if last.isalpha():
            found.append(option[:-1] + next(ch for ch in "fqxz" if ch != last.lower()))
        found += [option + "s", option + lead + "x" if lead else option + "-x"]
        if len(parts) > 1:
            found.append(lead + "".join(parts[:-2]))  # the last part dropped: -us-gov -> -us
            found.append(lead + "".join(parts[2:]))  # the first part dropped: -us-gov -> -gov
    if lead:
        found.append(lead + "foo")
    shortest = min((len(o) - len(lead) for o in filled), default=0)
    longest = max((len(o) - len(lead) for o in filled), default=0)
    found += [lead + w for w in words if shortest / 2 <= len(w) <= longest * 2]
    return [v for v in dict.fromkeys(found) if v not in options and v != lead]


def _separator(node: Node) -> str | None:
    op, arg = node
    return chr(arg) if op is _c.LITERAL and not chr(arg).isalnum() else None


def _sites(seq: list[Node], path: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], str]]:
    for i, node in enumerate(seq):
        op, arg = node
        here = (*path, i)
        if op in (_c.LITERAL, _c.IN, _c.NOT_LITERAL, _c.ANY):
            yield here, "char"
        if op is _c.LITERAL:
            yield here, "percent"
            yield (here, "separator") if _separator(node) is not None else (here, "case")
        elif op is _c.IN:
            yield here, "percent"
            if _other_case(_cls(arg)):
                yield here, "case"
        elif op is _c.SUBPATTERN:
            yield from _sites(list(arg[-1]), here)
        elif op is _c.BRANCH:
            if _options(node) is not None:
                yield here, "alternative"
            for j, alt in enumerate(arg[1]):
                yield from _sites(list(alt), (*here, j))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
            lo, hi = arg[0], arg[1]
            if lo > 0:
                yield here, "fewer"
            if hi != _c.MAXREPEAT:
                yield here, "more"
            yield from _sites(list(arg[2]), (*here, 0))


def _intruder(node: Node) -> st.SearchStrategy[str]:
    plausible = [ch for ch in PLAUSIBLE if not _allows(node, ch)]
    anything = st.sampled_from([ch for ch in INTRUDERS if not _allows(node, ch)])
    # The characters a loose class lets through twice as often as any other, and a character left out.
    return (
        st.one_of(st.just(""), st.sampled_from(plausible), st.sampled_from(plausible), anything)
        if plausible
        else anything
    )


def _broken(node: Node, how: str, words: tuple[str, ...]) -> st.SearchStrategy[str]:
    """What stands where ``node`` is broken ``how`` in a random near miss."""
    op, arg = node
    if how == "char":
        return _intruder(node)
    if how == "case":
        return st.sampled_from(_other_case(_cls(arg))) if op is _c.IN else st.just(chr(arg).swapcase())
    if how == "separator":
        ch = chr(arg)
        return st.sampled_from(["", ch * 2, ch * 3])
    if how == "percent":
        return st.sampled_from(_cls(arg).members).map(_percent) if op is _c.IN else st.just(_percent(chr(arg)))
    if how == "alternative":
        return st.sampled_from(_alternatives(_options(node) or [], words) or [""])
    lo, hi = arg[0], arg[1]
    count = lo - 1 if how == "fewer" else hi + 1
    return st.lists(_strategy(list(arg[2])), min_size=count, max_size=count).map("".join)


def _near(
    seq: list[Node], site: tuple[tuple[int, ...], str], words: tuple[str, ...], path: tuple[int, ...] = ()
) -> st.SearchStrategy[str]:
    target, how = site
    parts: list[str | st.SearchStrategy[str]] = []
    for i, node in enumerate(seq):
        op, arg = node
        here = (*path, i)
        on_path = target[: len(here)] == here
        if not on_path:
            parts.append(_part(node))
        elif here == target:
            parts.append(_broken(node, how, words))
        elif op is _c.SUBPATTERN:
            parts.append(_near(list(arg[-1]), site, words, here))
        elif op is _c.BRANCH:
            j = target[len(here)]
            parts.append(_near(list(arg[1][j]), site, words, (*here, j)))
        else:  # a repeat on the way to the site: one copy broken, the others intact
            hi = _repeat_bounds(arg[0], arg[1])[1]
            inner = list(arg[2])
            parts.append(
                st.tuples(
                    st.lists(_strategy(inner), min_size=0, max_size=max(0, min(hi, 3) - 1)),
                    _near(inner, site, words, (*here, 0)),
                ).map(lambda t: "".join(t[0]) + t[1])
            )
    return _concat(parts)


def _kind(seq: list[Node], site: tuple[tuple[int, ...], str]) -> str:
    path, how = site
    if how == "char":
        return "literal" if _node_at(seq, path)[0] is _c.LITERAL else "class"
    return "count" if how in ("fewer", "more") else how


@functools.cache
def near_misses(pattern: str, words: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    """Strings that break ``pattern`` at one construct, in one of the ways ``NEAR_MISS_KINDS`` names."""
    seq = _tree(pattern)
    by_kind: dict[str, list[tuple[tuple[int, ...], str]]] = {}
    for site in _sites(seq):
        by_kind.setdefault(_kind(seq, site), []).append(site)
    whole = compile_whole(pattern)
    # A kind first, then a site of it: the few count sites are drawn as often as the many character sites.
    sites = st.sampled_from([k for k in NEAR_MISS_KINDS if k in by_kind]).flatmap(
        lambda kind: st.sampled_from(by_kind[kind])
    )
    # Built once per site, not once per draw: building hypothesis strategies costs more than drawing from them.
    # And only for the sites a run draws: a long pattern has hundreds, and building them all at once was most of a
    # default run's start-up.
    near: dict[tuple[tuple[int, ...], str], st.SearchStrategy[str]] = {}

    def at(site: tuple[tuple[int, ...], str]) -> st.SearchStrategy[str]:
        if site not in near:
            near[site] = _near(seq, site, words)
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
        # A node a site lies inside is a group, a branch or a repeat (all _sites descends into): never false.
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):  # pragma: no branch
            forced[here] = max(arg[0], 1)
            forced.update(_forcing(list(arg[2]), target, (*here, 0)))
    return forced


def _located(seq: list[Node], path: tuple[int, ...]) -> tuple[Node, list[Node]]:
    """The node at ``path`` (as ``_sites`` numbers them) and the sequence it stands in."""
    items, k = seq, 0
    while True:
        node = items[path[k]]
        k += 1
        if k == len(path):
            return node, items
        op, arg = node
        if op is _c.SUBPATTERN:
            items = list(arg[-1])
        else:  # a branch's next step picks its alternative; a repeat's is always 0
            items = list(arg[1][path[k]]) if op is _c.BRANCH else list(arg[2])
            k += 1


def _node_at(seq: list[Node], path: tuple[int, ...]) -> Node:
    return _located(seq, path)[0]


def _word(seq: list[Node], path: tuple[int, ...], letters: bool) -> list[tuple[tuple[int, ...], str]] | None:
    """The run of literal siblings that starts at ``path`` (letters only, or any literal), or None if it starts
    before ``path``."""
    siblings = _located(seq, path)[1]

    def fits(node: Node) -> bool:
        return node[0] is _c.LITERAL and (chr(node[1]).isalpha() or not letters)

    i = path[-1]
    if i > 0 and fits(siblings[i - 1]):
        return None
    run = []
    while i < len(siblings) and fits(siblings[i]):
        run.append(((*path[:-1], i), chr(siblings[i][1])))
        i += 1
    return run


def _case_flips(seq: list[Node], path: tuple[int, ...]) -> list[dict[tuple[int, ...], str]]:
    """A word of literal letters that starts at ``path`` in upper case and capitalised, and the run of literals
    that starts there in upper case."""
    flips = []
    for letters in (True, False):
        run = _word(seq, path, letters)
        if not run or not any(ch.isalpha() for _, ch in run):
            continue
        flips.append({p: ch.upper() for p, ch in run})
        if letters and len(run) > 1:
            flips.append({p: ch.upper() if k == 0 else ch for k, (p, ch) in enumerate(run)})
    return flips


@functools.cache
def near_miss_examples_by_kind(pattern: str, words: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """For every construct of ``pattern`` and every way ``NEAR_MISS_KINDS`` names to break it there, the shortest
    strings that break it there and nowhere else."""
    seq = _tree(pattern)
    whole = compile_whole(pattern)
    found: dict[str, list[str]] = {kind: [] for kind in NEAR_MISS_KINDS}

    def add(kind: str, candidate: str) -> None:
        if whole.match(candidate) is None and candidate not in found[kind]:
            found[kind].append(candidate)

    for site in _sites(seq):
        path, how = site
        node, forced = _node_at(seq, path), _forcing(seq, path)
        op, arg = node

        def at(
            text: str, path: tuple[int, ...] = path, forced: dict[tuple[int, ...], int] = forced, fill: bool = False
        ) -> str:
            return _build(seq, forced, fill=fill, replace={path: text})

        if how in ("char", "fewer", "more"):
            kind = "count" if how != "char" else "literal" if op is _c.LITERAL else "class"
            # Once with optional parts left out, once with each taken: "arn:…/" with nothing after needs the latter.
            for fill in (False, True):
                add(kind, _build(seq, forced, broken=site, fill=fill))
            if op is _c.IN:
                for ch in PLAUSIBLE:
                    if not _allows(node, ch):
                        add("class", at(ch))
                        add("class", at(ch, fill=True))
        elif how == "case" and op is _c.IN:
            add("case", at(_other_case(_cls(arg))[0]))
        elif how == "case":
            for flip in _case_flips(seq, path):
                add("case", _build(seq, forced, replace=flip))
        elif how == "separator":
            for text in ("", chr(arg) * 2, chr(arg) * 3):
                add("separator", at(text))
        elif how == "percent" and (op is _c.IN or _separator(node) is not None):
            add("percent", at(_percent(_readable(_cls(arg)) if op is _c.IN else chr(arg))))
        elif how == "alternative":
            for value in _alternatives(_options(node) or [], words):
                add("alternative", at(value))
    return {kind: tuple(values) for kind, values in found.items()}


@functools.cache
def near_miss_examples(pattern: str, words: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Every explicit near miss of ``pattern`` (see ``near_miss_examples_by_kind``), kind by kind."""
    return tuple(v for values in near_miss_examples_by_kind(pattern, words).values() for v in values)


@functools.cache
def overlap_examples(pattern: str) -> tuple[str, ...]:
    """Members that begin like a longer branch's member and then leave it: 'arn:x' and 'arn.x' beside 'arn:aws:…'.

    A validator that picks a branch by a prefix ('starts with arn:, so it is an ARN') rejects them. They are cut
    from the member with the most words, after each word, and go on with one more character.
    """
    whole = compile_whole(pattern)
    separators = "".join(ch for ch in string.punctuation if any(_allows_anywhere(pattern, ch)))
    members = branch_examples(pattern)
    member = max(members, key=lambda m: len(re.findall(r"[0-9A-Za-z]+", m)))
    cuts = [m.end() for m in re.finditer(r"[0-9A-Za-z]+(?=[^0-9A-Za-z])", member)]
    found: list[str] = []
    for cut in cuts:
        # Another separator after the first and the last word: 'arn.x', '…inference-profile:x'.
        ends = separators if cut in (cuts[0], cuts[-1]) else member[cut]
        for sep in dict.fromkeys(member[cut] + ends):
            candidate = next((c for c in (member[:cut] + sep + t for t in "x0") if whole.match(c)), None)
            if candidate is not None and candidate not in found and candidate not in members:
                found.append(candidate)
    return tuple(found)


@functools.cache
def overlapping(pattern: str) -> st.SearchStrategy[str]:
    """Random members like ``overlap_examples``: one of them with its last character replaced by a few characters
    the pattern allows somewhere."""
    whole = compile_whole(pattern)
    alphabet = [ch for ch in string.printable if any(_allows_anywhere(pattern, ch))]
    heads = [v[:-1] for v in overlap_examples(pattern)]
    if not heads or not alphabet:
        return st.nothing()
    tails = st.text(alphabet=alphabet, min_size=1, max_size=8)
    return st.tuples(st.sampled_from(heads), tails).map("".join).filter(lambda s: whole.match(s) is not None)


def _allows_anywhere(pattern: str, ch: str) -> Iterator[bool]:
    """Whether each literal or class of ``pattern`` allows ``ch``."""

    def walk(seq: list[Node]) -> Iterator[bool]:
        for op, arg in seq:
            if op in (_c.LITERAL, _c.IN):
                yield _allows((op, arg), ch)
            elif op is _c.SUBPATTERN:
                yield from walk(list(arg[-1]))
            elif op is _c.BRANCH:
                for alt in arg[1]:
                    yield from walk(list(alt))
            elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
                yield from walk(list(arg[2]))

    return walk(_tree(pattern))
