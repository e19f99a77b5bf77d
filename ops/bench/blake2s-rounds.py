#!/usr/bin/env python3
"""Writes the unrolled BLAKE2s rounds into storage/.../digest/Blake2s.java, or a variant of it.

The ten rounds of RFC 7693 section 3.2 are written out with the message schedule (SIGMA)
inlined, as two methods of five rounds each that work on local variables, with a fence
between rounds (see the class Javadoc of Blake2s for why). Run from the repository root after
changing the layout:

    python3 ops/bench/blake2s-rounds.py

It replaces the text between the "// BEGIN GENERATED ROUNDS" and "// END GENERATED ROUNDS"
markers and leaves the rest of the file alone. ops/bench/digest-bench.sh measures the result
against OpenSSL.

With --variant NAME --out DIR it leaves Blake2s.java alone and writes DIR/NAME.java: the same
class, renamed, with the rounds laid out as the other options say. ops/bench/blake2s-layouts.sh
measures such variants against the committed layout.
"""
import argparse
import pathlib
import re

SIGMA = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
]
# The G function's (a, b, c, d) for the column step, then the diagonal step.
G_ARGS = [(0, 4, 8, 12), (1, 5, 9, 13), (2, 6, 10, 14), (3, 7, 11, 15),
          (0, 5, 10, 15), (1, 6, 11, 12), (2, 7, 8, 13), (3, 4, 9, 14)]
IND = "    "
SOURCE = pathlib.Path("storage/src/main/java/org/distvault/storage/digest/Blake2s.java")
MARKERS = r"(  // BEGIN GENERATED ROUNDS[^\n]*\n).*?(  // END GENERATED ROUNDS)"


def g(a, b, c, d, x, y, word, order):
    """G of RFC 7693 section 3.1 with rotations R1..R4 = 16, 12, 8, 7, on two lines.

    Order "amb" adds "a + m + b" rather than "a += b + m" (order "abm"): a and m are known early,
    b only at the end of the previous step, so adding b last keeps one addition off the critical
    path (C2 does not reassociate it for us).
    """
    a, b, c, d = (f"{word}{i}" for i in (a, b, c, d))
    lines = []
    for m, r1, r2 in ((f"m{x}", 16, 12), (f"m{y}", 8, 7)):
        add = f"{a} = {a} + {m} + {b};" if order == "amb" else f"{a} += {b} + {m};"
        lines.append(f"{IND}{add} {d} = rotateRight({d} ^ {a}, {r1}); "
                     f"{c} += {d}; {b} = rotateRight({b} ^ {c}, {r2});")
    return lines


def fenced(fence, r, first, step):
    """Whether a fence goes before this half-round (never before a method's first one)."""
    if r == first and step == 0:
        return False
    return {"round": step == 0, "half": True, "none": False,
            "two-rounds": step == 0 and (r - first) % 2 == 0}[fence]


def rounds_method(first, last, words="locals", fence="round", order="amb"):
    """A method for rounds first..last-1 on the working vector in the fields w0..w15."""
    word = "v" if words == "locals" else "w"
    lines = [
        f"  /** Rounds {first} to {last - 1}, on the working vector in {{@code w0..w15}}. */",
        f"  private void rounds{first}to{last - 1}() {{",
    ]
    if words == "locals":
        lines += [
            f"{IND}int v0 = w0, v1 = w1, v2 = w2, v3 = w3, v4 = w4, v5 = w5, v6 = w6, v7 = w7;",
            f"{IND}int v8 = w8, v9 = w9, v10 = w10, v11 = w11, "
            f"v12 = w12, v13 = w13, v14 = w14, v15 = w15;",
        ]
    for r in range(first, last):
        s = SIGMA[r]
        for step, name in ((0, "column"), (4, "diagonal")):
            if fenced(fence, r, first, step):
                lines.append(f"{IND}VarHandle.releaseFence();")
            lines.append(f"{IND}// round {r}, {name} step")
            for i in range(step, step + 4):
                lines += g(*G_ARGS[i], s[2 * i], s[2 * i + 1], word, order)
    if words == "locals":
        lines += [
            f"{IND}w0 = v0; w1 = v1; w2 = v2; w3 = v3; w4 = v4; w5 = v5; w6 = v6; w7 = v7;",
            f"{IND}w8 = v8; w9 = v9; w10 = v10; w11 = v11; "
            f"w12 = v12; w13 = v13; w14 = v14; w15 = v15;",
        ]
    lines.append("  }")
    return "\n".join(lines)


def with_rounds(src, methods, **layout):
    """src with the generated rounds replaced: ten rounds split over `methods` methods."""
    per = 10 // methods
    generated = "\n\n".join(
        rounds_method(k, k + per, **layout) for k in range(0, 10, per))
    out, n = re.subn(MARKERS, lambda m: m.group(1) + generated + "\n" + m.group(2), src,
                     flags=re.S)
    if n != 1:
        raise SystemExit(f"{SOURCE}: generated-rounds markers not found")
    calls = "".join(f"{IND}rounds{k}to{k + per - 1}();\n" for k in range(0, 10, per))
    out, n = re.subn(r"(    rounds\d+to\d+\(\);\n)+", calls, out, count=1)
    if n != 1:
        raise SystemExit(f"{SOURCE}: the calls of the round methods not found")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--variant", metavar="NAME", help="write class NAME instead of Blake2s")
    ap.add_argument("--out", metavar="DIR", help="where --variant writes NAME.java")
    ap.add_argument("--words", choices=["locals", "fields"], default="locals",
                    help="working words in locals per method, or in the fields throughout")
    ap.add_argument("--fence", choices=["round", "half", "none", "two-rounds"], default="round")
    ap.add_argument("--order", choices=["amb", "abm"], default="amb",
                    help="G's additions: a + m + b, or a += b + m")
    ap.add_argument("--methods", type=int, choices=[1, 2, 5], default=2)
    args = ap.parse_args()
    layout = dict(methods=args.methods, words=args.words, fence=args.fence, order=args.order)
    src = with_rounds(SOURCE.read_text(), **layout)
    if not args.variant:
        SOURCE.write_text(src)
        return
    if not args.out or not re.fullmatch(r"[A-Z]\w*", args.variant):
        raise SystemExit("--variant needs a class name (a capital letter first) and --out DIR")
    src = re.sub(r"\bBlake2s\(\)", f"{args.variant}()", src)
    src = src.replace("final class Blake2s {", f"final class {args.variant} {{")
    pathlib.Path(args.out, f"{args.variant}.java").write_text(src)


if __name__ == "__main__":
    main()
