# shellcheck shell=bash
# Sourced by the benchmark scripts: where a run's CPU went.
#
# thread_cpu PID [SINCE]
#   prints the CPU seconds (user + system) of live process PID and of its thread groups, largest
#   first: "14.2 (C2 CompilerThre 3.1, XNIO-1 task 5.0, ...)" (ops/bench/thread-cpu.py). With
#   SINCE, a file written by thread_cpu_save, only what was spent after it.
# thread_cpu_save PID FILE
#   records the CPU seconds of PID's thread groups so far in FILE, for thread_cpu's SINCE.
# children_cpu
#   prints the CPU seconds of this shell's waited-for children so far; the difference of two
#   readings around a foreground command is that command's CPU, with everything it started.
# cpu_ticks PID...
#   prints the user + system clock ticks so far of the given live processes together (a server's
#   own CPU, not its clients').
thread_cpu() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/thread-cpu.py" print "$1" "${2:-}"
}
thread_cpu_save() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/thread-cpu.py" save "$1" "$2"
}
children_cpu() {
  python3 "$(dirname "${BASH_SOURCE[0]}")/thread-cpu.py" children "$$"
}
cpu_ticks() {
  local total=0 pid
  for pid in "$@"; do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
