# SPDX-License-Identifier: GPL-2.0
"""Count the instructions of one IOMMU_HWPT_INVALIDATE, function by function.

A gdb script for make bench (testbed/trace.sh), x86_64 only: gdb, with the
guest's vmlinux, attaches to the gdbstub of a bench guest that QEMU started
halted (-S) on port $port. It stops in
iommufd_fops_ioctl() at the third IOMMU_HWPT_INVALIDATE whose command has
$cmd_size bytes and $entries entries (the benchmark's first call of a case
prepares it; the third is one of its timed calls), single-steps until the
ioctl returns, and prints one line per function the kernel ran:

  trace fn=<function> instructions=<n>
  trace total=<n>

QEMU steps without interrupts, so nothing else is counted.
"""

import collections
import time

import gdb

IOMMU_HWPT_INVALIDATE_NR = 0x8d  # IOMMUFD_CMD_HWPT_INVALIDATE
ENTRY_NUM_OFFSET = 0x18  # of struct iommu_hwpt_invalidate, 6.12 and later


def value(expr):
    return int(gdb.parse_and_eval(expr))


def main():
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    for _ in range(100):
        try:
            gdb.execute(f"target remote :{value('$port')}")
            break
        except gdb.error:
            time.sleep(0.2)  # QEMU is not listening yet
    else:
        raise gdb.GdbError("cannot attach to QEMU")
    entries, cmd_size = value("$entries"), value("$cmd_size")
    stop = gdb.Breakpoint("iommufd_fops_ioctl")
    seen = 0
    while seen < 3:
        gdb.execute("continue")
        # iommufd_fops_ioctl(filp, cmd, arg): the command is user memory
        if value("$rsi") & 0xff != IOMMU_HWPT_INVALIDATE_NR:
            continue
        arg = value("$rdx")
        try:
            size = value(f"*(unsigned int *){arg}")
            num = value(f"*(unsigned int *){arg + ENTRY_NUM_OFFSET}")
        except gdb.MemoryError:
            continue
        if size == cmd_size and num == entries:
            seen += 1
    stop.enabled = False

    ret = value("*(unsigned long *)$rsp")
    counts = collections.Counter()
    while True:
        pc = value("$pc")
        if pc == ret:
            break
        where = gdb.execute(f"info symbol {pc}", to_string=True)
        counts[where.split(" in ")[0].split(" + ")[0].strip()] += 1
        gdb.execute("stepi", to_string=True)
    for fn, n in counts.most_common():
        print(f"trace fn={fn} instructions={n}")
    print(f"trace total={sum(counts.values())}")


main()
gdb.execute("kill")
