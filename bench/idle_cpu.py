"""CPU used by running processes over a time window, from /proc/<pid>/stat (utime + stime of
all threads). Used for the idle cost of `make run` (docs/performance.md).

Run: python bench/idle_cpu.py SECONDS PID [PID ...]
"""

import os
import sys
import time


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def command(pid: int) -> str:
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        return cmdline.read().replace(b"\0", b" ").decode()[:80]


def main(argv: list[str]) -> None:
    seconds, pids = float(argv[0]), [int(p) for p in argv[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    before = {pid: cpu_ticks(pid) for pid in pids}
    time.sleep(seconds)
    for pid in pids:
        share = (cpu_ticks(pid) - before[pid]) / tick / seconds * 100
        print(f"{pid:>8} {share:6.2f} % of a core  {command(pid)}")


if __name__ == "__main__":
    main(sys.argv[1:])
