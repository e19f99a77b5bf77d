#!/usr/bin/env python3
"""CPU seconds of a live process's thread groups, or of its waited-for children (see cpu.sh).

  thread-cpu.py print PID [SINCE]   "14.2 (C2 CompilerThre 3.1, XNIO-1 task 5.0, ...)", largest
                                    first; with SINCE (a file of `save`), only what came after it
  thread-cpu.py save PID FILE       records the groups' seconds so far in FILE (JSON)
  thread-cpu.py children PID        the seconds of PID's children that it has waited for

Threads are grouped by name with the trailing number taken off (the kernel keeps 15 characters of
a name); user + system time from /proc/PID/task/*/stat. Threads that have ended count as the group
"(ended threads)": the process's total from /proc/PID/stat less the live threads'.
"""
import glob
import json
import os
import re
import sys


TICK = os.sysconf("SC_CLK_TCK")


def stat(path):
    """The name in a /proc stat file and the fields after it (the name may hold spaces)."""
    with open(path) as f:
        text = f.read()
    return text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()


def groups(pid):
    seconds = {}
    for path in glob.glob(f"/proc/{pid}/task/*/stat"):
        try:
            name, fields = stat(path)
        except OSError:
            continue  # the thread ended while we looked
        group = re.sub(r"[-#_ ]*\d+$", "", name) or name
        seconds[group] = seconds.get(group, 0) + (int(fields[11]) + int(fields[12])) / TICK
    # The process's own counters also hold the threads that have ended (e.g. a run's download threads).
    fields = stat(f"/proc/{pid}/stat")[1]
    ended = (int(fields[11]) + int(fields[12])) / TICK - sum(seconds.values())
    if ended > 0:
        seconds["(ended threads)"] = ended
    return seconds


def main(mode, pid, other=""):
    if mode == "children":
        fields = stat(f"/proc/{pid}/stat")[1]
        print((int(fields[13]) + int(fields[14])) / TICK)
        return
    now = groups(pid)
    if mode == "save":
        with open(other, "w") as f:
            json.dump(now, f)
        return
    if other:
        with open(other) as f:
            since = json.load(f)
        now = {g: s - since.get(g, 0) for g, s in now.items()}
    top = sorted(now.items(), key=lambda g: -g[1])[:6]
    print(f"{sum(now.values()):.1f} (" + ", ".join(f"{g} {s:.1f}" for g, s in top) + ")")


if __name__ == "__main__":
    main(*sys.argv[1:])
