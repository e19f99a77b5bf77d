# shellcheck shell=bash
# Sourced by the benchmark scripts: where a run's CPU went.
#
# thread_cpu PID
#   prints the CPU seconds (user + system) of live process PID and of its thread groups, largest
#   first: "14.2 (C2 CompilerThre 3.1, XNIO-1 task 5.0, ...)". Threads are grouped by their name
#   with the trailing number taken off (the kernel keeps 15 characters of a name).
# children_cpu
#   prints the CPU seconds of this shell's waited-for children so far; the difference of two
#   readings around a foreground command is that command's CPU, with everything it started.
thread_cpu() {
  python3 - "$1" <<'PY'
import glob, os, re, sys
tick = os.sysconf("SC_CLK_TCK")
groups = {}
for stat in glob.glob(f"/proc/{sys.argv[1]}/task/*/stat"):
    try:
        text = open(stat).read()
    except OSError:
        continue  # the thread ended while we looked
    name = text[text.index("(") + 1:text.rindex(")")]
    fields = text[text.rindex(")") + 2:].split()
    group = re.sub(r"[-#_ ]*\d+$", "", name) or name
    groups[group] = groups.get(group, 0) + (int(fields[11]) + int(fields[12])) / tick
total = sum(groups.values())
top = sorted(groups.items(), key=lambda g: -g[1])[:6]
print(f"{total:.1f} (" + ", ".join(f"{g} {s:.1f}" for g, s in top) + ")")
PY
}
children_cpu() {
  python3 -c 'import os, sys
f = open(f"/proc/{sys.argv[1]}/stat").read().rsplit(")", 1)[1].split()
print((int(f[13]) + int(f[14])) / os.sysconf("SC_CLK_TCK"))' "$$"
}
