#!/usr/bin/env python3
"""Records what Python's re does for each case in cases.json.

Run from this directory: python3 gen_cases.py > cases.json
The Go test replays every case against package pyre.
"""
import json
import re

FLAGS = {"i": re.I, "m": re.M, "s": re.S}

# (op, pattern, flags, input[, replacement, count])
CASES = [
    ("search", r"(ab)\1", "", "xxababyy"),
    ("search", r"(ab)\1", "", "xxabyy"),
    ("search", r"foo(?=bar)", "", "foobaz foobar"),
    ("search", r"foo(?!bar)", "", "foobar foobaz"),
    ("search", r"(?<=\$)\d+", "", "cost: $42"),
    ("search", r"(?<!\$)\b\d+", "", "$42 17"),
    ("search", r"^(?!#)key=(.*)$", "m", "#key=old\nkey=new\n"),
    ("search", r"(?P<user>\w+)@(?P<host>[\w.]+)", "", "mail root@example.org now"),
    ("search", r"(?P<a>x)(y)(?P<b>z)", "", "xyz"),
    ("search", r"(?P<q>['\"]).*?(?P=q)", "", "say 'hi' there"),
    ("search", r"(a)|(b)", "", "b"),
    ("search", r"\Aab", "", "abab"),
    ("search", r"ab\Z", "", "abab\n"),
    ("search", r"ab$", "", "abab\n"),
    ("search", r"^b", "", "a\nb"),
    ("search", r"^b", "m", "a\nb"),
    ("search", r"a.b", "", "a\nb"),
    ("search", r"a.b", "s", "a\nb"),
    ("search", r"HELLO", "i", "say hello"),
    ("search", r"(?i)hello", "", "HeLLo"),
    ("search", r"[]a]+", "", "x]a]y"),
    ("search", r"[^]a]+", "", "]]bc"),
    ("search", r"[a-z-[x]+", "", "ab-[x"),
    ("search", r"\d+", "", "abc ١٢٣ 42"),
    ("search", r"\w+", "", "-- héllo --"),
    ("search", r"\bfoo\b", "", "a foo b"),
    ("search", r"x{2,3}", "", "axxxxb"),
    ("search", r"x{2,3}?", "", "axxxxb"),
    ("search", r"(?:ab)+", "", "ababab"),
    ("search", r"(a+)+b", "", "aaab"),
    ("search", r"colou?r", "", "the color red"),
    ("search", r"(?x) a b  c # comment", "", "abc"),
    ("search", r"\s+$", "", "line  \t"),
    ("search", r"é", "i", "É"),
    ("match", r"b|ab", "", "ab"),
    ("match", r"b", "", "ab"),
    ("match", r"a", "", "ab"),
    ("match", r"^key=", "", "key=1"),
    ("fullmatch", r"a|ab", "", "ab"),
    ("fullmatch", r"\d+", "", "123"),
    ("fullmatch", r"\d+", "", "123x"),
    ("fullmatch", r"[a-z]+", "", "abc\n"),
    ("findall", r"\d+", "", "a1b22c333"),
    ("findall", r"(\w)=(\d)", "", "a=1, b=2, c=x"),
    ("findall", r"(\w)=\d", "", "a=1, b=2"),
    ("findall", r"(a)|(b)", "", "ab"),
    ("findall", r"x*", "", "axxb"),
    ("findall", r"^\w+", "m", "one two\nthree four"),
    ("findall", r"(?P<k>\w+):", "", "a: b: c"),
    ("sub", r"(\w+)@(\w+)", "", "root@host and me@there", r"\2 at \1", 0),
    ("sub", r"(?P<u>\w+)@(?P<h>\w+)", "", "root@host", r"\g<h>/\g<u>/\g<0>", 0),
    ("sub", r"(\d)", "", "a1b2", r"\g<1>0", 0),
    ("sub", r"(\d)", "", "a1b2", r"<\10>", 0),
    ("sub", r"a", "", "aaaa", "b", 2),
    ("sub", r"x*", "", "abxd", "-", 0),
    ("sub", r"(a)|b", "", "ab", r"[\1]", 0),
    ("sub", r"\s+", "", "a  b\tc", r"\n", 0),
    ("sub", r"o", "", "foo", r"\\", 0),
    ("sub", r"o", "", "foo", r"\.", 0),
    ("sub", r"o", "", "foo", r"\101", 0),
    ("sub", r"o", "", "foo", r"$1 $$", 0),
    ("sub", r"^#?(PermitRootLogin).*$", "m", "#PermitRootLogin yes\nX\n", r"\1 no", 0),
    ("sub", r"(a)", "", "a", r"\2", 0),
    ("sub", r"(a)", "", "a", r"\q", 0),
    ("sub", r"(a)", "", "a", r"\g<nope>", 0),
    ("sub", r"(?i)A", "", "banana", "o", 0),
    ("sub", r"é", "", "café é", "e", 0),
    ("search", r"(?P<1a>x)", "", "x"),
    ("search", r"(unclosed", "", "x"),
    ("search", r"(?P<a>x)(?P<a>y)", "", "xy"),
    ("search", r"(?<n>x)", "", "x"),
    ("search", r"[\b]", "", "a\bb"),
    ("search", r"(?s:a.)b", "", "a\nb"),
    ("search", r"x{,3}", "", "xxxxx"),
    ("search", r"\x41\u00e9", "", "zAé"),
    ("search", r"a(?#note)b", "", "ab"),
    ("search", r"(?>a+)b", "", "aaab"),
    ("search", r"(a)?(?(1)b|c)", "", "xc"),
    ("search", r"\0", "", "a\x00"),
    ("search", r"(?i)straße", "", "STRASSE"),
    ("search", r"\p{L}+", "", "abc"),
    ("search", r"(?<name>x)", "", "x"),
    ("findall", r"\w+$", "m", "a b\nc d\n"),
    ("findall", r"", "", "ab"),
    ("sub", r"(?m)^", "", "a\nb", "> ", 0),
    ("sub", r"$", "", "a\n", "!", 0),
    ("search", r"a\++", "", "a++"),
    ("search", r"[+]+", "", "a++"),
    ("search", r"x{,}", "", "x{,}"),
    ("search", r"\k<a>", "", "x"),
    ("escape", "a.b*c (d) [e] {f} ^$|?+\\ #&~-_é!\"'/:%\n", "", ""),
]


def run(op, pattern, flags, text, repl=None, count=0):
    f = 0
    for c in flags:
        f |= FLAGS[c]
    if op == "escape":
        return re.escape(pattern)
    try:
        rx = re.compile(pattern, f)
    except re.error:
        return {"error": True}
    if op in ("search", "match", "fullmatch"):
        m = getattr(rx, op)(text)
        if m is None:
            return None
        return [m.group(0)] + list(m.groups())
    if op == "findall":
        return [list(x) if isinstance(x, tuple) else [x] for x in rx.findall(text)]
    try:
        return rx.sub(repl, text, count=count)
    except (re.error, IndexError):
        return {"error": True}


out = []
for case in CASES:
    op, pattern, flags, text = case[:4]
    repl, count = (case[4], case[5]) if len(case) > 4 else (None, 0)
    out.append({"op": op, "pattern": pattern, "flags": flags, "input": text,
                "repl": repl, "count": count,
                "want": run(op, pattern, flags, text, repl, count)})
print(json.dumps(out, indent=1, ensure_ascii=False))
