"""Translate ECMA-262 regular expressions (as JSON Schema and AWS models use them) to Python ``re``."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

# ECMA-262 WhiteSpace and LineTerminator code points (what \s means there).
_ECMA_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_CLASS_ESCAPES = {
    "d": (False, "0-9"),
    "D": (True, "0-9"),
    "w": (False, "A-Za-z0-9_"),
    "W": (True, "A-Za-z0-9_"),
    "s": (False, _ECMA_SPACE),
    "S": (True, _ECMA_SPACE),
}
_CONTROL_ESCAPES = {"t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r", "0": "\0"}


class PatternError(ValueError):
    """The pattern is not a regular expression this translator understands."""


def _char(c: str) -> str:
    return f"\\U{ord(c):08x}" if ord(c) > 0xFFFF else f"\\u{ord(c):04x}"


def _read_escape(src: str, i: int) -> tuple[str, int]:
    """Read the escape starting after a backslash at ``src[i]``; return (char or class key, next index)."""
    if i >= len(src):
        raise PatternError("pattern ends with a backslash")
    c = src[i]
    if c in _CONTROL_ESCAPES and not (c == "0" and i + 1 < len(src) and src[i + 1].isdigit()):
        return _CONTROL_ESCAPES[c], i + 1
    if c == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", src[i + 1 : i + 3]):
        return chr(int(src[i + 1 : i + 3], 16)), i + 3
    if c == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", src[i + 1 : i + 5]):
        return chr(int(src[i + 1 : i + 5], 16)), i + 5
    if c == "c":
        letter = src[i + 1 : i + 2]
        if letter.isascii() and letter.isalpha():
            return chr(ord(letter) % 32), i + 2
        # Annex B: a \c not followed by an ASCII letter is a literal backslash, and the c is read as itself.
        return "\\", i
    return c, i + 1


def _translate_class(src: str, i: int) -> tuple[str, int]:
    """Translate the class whose '[' is at ``src[i-1]``; return (python class, index after ']')."""
    negate = i < len(src) and src[i] == "^"
    if negate:
        i += 1
    atoms: list[tuple[str, str]] = []  # ("char", c) or ("class", key)
    while True:
        if i >= len(src):
            raise PatternError("unterminated character class")
        c = src[i]
        if c == "]":
            i += 1
            break
        if c == "\\":
            value, i = _read_escape(src, i + 1)
            if src[i - 1] in _CLASS_ESCAPES and src[i - 2] == "\\":
                atoms.append(("class", src[i - 1]))
            elif value == "b" and src[i - 1] == "b":
                atoms.append(("char", "\b"))
            else:
                # An escaped '-' is a character, never the range operator: kind "escaped", not "char".
                atoms.append(("escaped", value))
        else:
            atoms.append(("char", c))
            i += 1
    # ECMA ClassRanges: A-B is a range only between two plain atoms; after a range, '-' starts afresh.
    parts: list[str] = []
    negated_parts: list[str] = []
    k = 0
    while k < len(atoms):
        kind, value = atoms[k]
        if kind != "class" and k + 2 < len(atoms) and atoms[k + 1] == ("char", "-") and atoms[k + 2][0] != "class":
            low, high = value, atoms[k + 2][1]
            if ord(low) > ord(high):
                raise PatternError(f"range out of order in character class: {low!r}-{high!r}")
            parts.append(f"{_char(low)}-{_char(high)}")
            k += 3
            continue
        if kind == "class":
            neg, body = _CLASS_ESCAPES[value]
            (negated_parts if neg else parts).append(_class_body(body))
        else:
            parts.append(_char(value))
        k += 1
    body = "".join(parts)
    if negated_parts:
        # [^\d] inside a class: union with a complement, expressed as an alternation.
        inner = f"[{'^' if negate else ''}{body}]" if body else ("(?s:.)" if negate else "(?!)")
        alts = [inner] + [f"[^{p}]" for p in negated_parts]
        if negate:
            return "(?:(?!" + "|".join(f"[^{p}]" for p in negated_parts) + f"){inner})", i
        return "(?:" + "|".join(alts) + ")", i
    if not body:
        return ("(?s:.)" if negate else "(?!)"), i
    return f"[{'^' if negate else ''}{body}]", i


def _class_body(body: str) -> str:
    out = []
    for piece in re.findall(r".-.|.", body, flags=re.S):
        if len(piece) == 3:
            out.append(f"{_char(piece[0])}-{_char(piece[2])}")
        else:
            out.append(_char(piece))
    return "".join(out)


def translate(pattern: str) -> str:
    """Return a Python regex that means what ``pattern`` means under ECMA-262 (non-unicode mode)."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            value, j = _read_escape(pattern, i + 1)
            key = pattern[i + 1]
            if key in _CLASS_ESCAPES and j == i + 2:
                neg, body = _CLASS_ESCAPES[key]
                out.append(f"[{'^' if neg else ''}{_class_body(body)}]")
            elif key in "bB" and j == i + 2:
                out.append(
                    "(?:(?<=[A-Za-z0-9_])(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])(?=[A-Za-z0-9_]))"
                    if key == "b"
                    else "(?:(?<=[A-Za-z0-9_])(?=[A-Za-z0-9_])|(?<![A-Za-z0-9_])(?![A-Za-z0-9_]))"
                )
            elif key.isdigit() and key != "0":
                m = re.match(r"\d+", pattern[i + 1 :])
                assert m is not None
                out.append("\\" + m.group())
                j = i + 1 + len(m.group())
            else:
                out.append(_char(value))
            i = j
        elif c == "[":
            cls, i = _translate_class(pattern, i + 1)
            out.append(cls)
        elif c == "^":
            out.append(r"\A")
            i += 1
        elif c == "$":
            out.append(r"\Z")
            i += 1
        elif c == ".":
            out.append(r"[^\n\r\u2028\u2029]")
            i += 1
        elif c == "(" and pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
            out.append("(?P<")
            i += 3
        else:
            out.append(c)
            i += 1
    return "".join(out)


@functools.cache
def compile_whole(pattern: str) -> re.Pattern[str]:
    """Compile ``pattern`` so that ``.match`` succeeds only when it matches the whole string."""
    try:
        return re.compile(r"\A(?:" + translate(pattern) + r")\Z")
    except re.error as exc:
        raise PatternError(f"cannot compile {pattern!r}: {exc}") from exc


def whole_match(pattern: str, value: str) -> bool:
    """True when ``value`` matches ``pattern`` as a whole, with ECMA-262 meaning."""
    return compile_matcher(pattern)(value) is not None


def _uncaptured(regex: str) -> str:
    """``regex`` (a ``translate`` result) with each capturing group made non-capturing."""
    out: list[str] = []
    i, in_class = 0, False
    while i < len(regex):
        c = regex[i]
        if c == "\\":
            out.append(regex[i : i + 2])
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            # A ']' first in a class (after any '^') is a literal, not the class's end.
            first = i + 2 if regex.startswith("^", i + 1) else i + 1
            if regex.startswith("]", first):
                out.append(regex[i : first + 1])
                i = first + 1
                continue
        elif c == "(" and not regex.startswith("?", i + 1):
            out.append("(?:")
            i += 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


@functools.cache
def compile_matcher(pattern: str) -> Callable[[str], re.Match[str] | None]:
    """``compile_whole(pattern).match`` without capturing groups, which cost a good part of a match's time."""
    # A check asks only whether the value matches, so no group needs saving unless a backreference reads it.
    regex = translate(pattern)
    if re.search(r"\\[1-9]", regex):
        return compile_whole(pattern).match
    try:
        return re.compile(r"\A(?:" + _uncaptured(regex) + r")\Z").match
    except re.error as exc:
        raise PatternError(f"cannot compile {pattern!r}: {exc}") from exc
