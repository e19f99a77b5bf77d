#!/usr/bin/env python3
"""Writes the unrolled BLAKE2s rounds into storage/.../digest/Blake2s.java.

The ten rounds of RFC 7693 section 3.2 are written out with the message schedule (SIGMA)
inlined, as two methods of five rounds each that work on local variables, with a fence
between rounds (see the class Javadoc of Blake2s for why). Run from the repository root after changing the layout:

    python3 ops/bench/blake2s-rounds.py

It replaces the text between the "// BEGIN GENERATED ROUNDS" and "// END GENERATED ROUNDS"
markers and leaves the rest of the file alone. ops/bench/digest-bench.sh measures the result.
"""
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


def g(a, b, c, d, x, y):
    """G of RFC 7693 section 3.1 with rotations R1..R4 = 16, 12, 8, 7, on two lines.

    "a + m + b" rather than "a += b + m": a and m are known early, b only at the end of the
    previous step, so adding b last keeps one addition off the critical path (C2 does not
    reassociate it for us).
    """
    return [
        f"{IND}v{a} = v{a} + m{x} + v{b}; v{d} = rotateRight(v{d} ^ v{a}, 16); "
        f"v{c} += v{d}; v{b} = rotateRight(v{b} ^ v{c}, 12);",
        f"{IND}v{a} = v{a} + m{y} + v{b}; v{d} = rotateRight(v{d} ^ v{a}, 8); "
        f"v{c} += v{d}; v{b} = rotateRight(v{b} ^ v{c}, 7);",
    ]


def rounds_method(first, last):
    lines = [
        f"  /** Rounds {first} to {last - 1}, on the working vector in {{@code w0..w15}}. */",
        f"  private void rounds{first}to{last - 1}() {{",
        f"{IND}int v0 = w0, v1 = w1, v2 = w2, v3 = w3, v4 = w4, v5 = w5, v6 = w6, v7 = w7;",
        f"{IND}int v8 = w8, v9 = w9, v10 = w10, v11 = w11, v12 = w12, v13 = w13, v14 = w14, v15 = w15;",
    ]
    for r in range(first, last):
        s = SIGMA[r]
        for step, name in ((0, "column"), (4, "diagonal")):
            if r > first and step == 0:
                lines.append(f"{IND}VarHandle.releaseFence();")
            lines.append(f"{IND}// round {r}, {name} step")
            for i in range(step, step + 4):
                lines += g(*G_ARGS[i], s[2 * i], s[2 * i + 1])
    lines += [
        f"{IND}w0 = v0; w1 = v1; w2 = v2; w3 = v3; w4 = v4; w5 = v5; w6 = v6; w7 = v7;",
        f"{IND}w8 = v8; w9 = v9; w10 = v10; w11 = v11; w12 = v12; w13 = v13; w14 = v14; w15 = v15;",
        "  }",
    ]
    return "\n".join(lines)


def main():
    path = pathlib.Path("storage/src/main/java/org/distvault/storage/digest/Blake2s.java")
    src = path.read_text()
    generated = rounds_method(0, 5) + "\n\n" + rounds_method(5, 10)
    out, n = re.subn(
        r"(  // BEGIN GENERATED ROUNDS[^\n]*\n).*?(  // END GENERATED ROUNDS)",
        lambda m: m.group(1) + generated + "\n" + m.group(2), src, flags=re.S)
    if n != 1:
        raise SystemExit(f"{path}: generated-rounds markers not found")
    path.write_text(out)


if __name__ == "__main__":
    main()
