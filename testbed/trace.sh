#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Where the instructions of one IOMMU_HWPT_INVALIDATE go, for make bench:
# boot the bench guest of FLAVOUR halted under QEMU's gdbstub and count,
# function by function, the kernel instructions of one call with ENTRIES
# entries and a command of CMD_SIZE bytes (testbed/trace_ioctl.py).
# Usage: trace.sh FLAVOUR ENTRIES CMD_SIZE OUT   (x86_64 only)

. "$(dirname "$0")/lib.sh"

flavour=$1 entries=$2 cmd_size=$3 out=$4
arch=x86_64
kb=$BUILD/kbuild/$flavour-$arch
port=$((20000 + $$ % 20000))

GUEST_CPIO=$BUILD/bench/bench.cpio GUEST_LOG=${out%.txt}.log GUEST_TIMEOUT=600 \
	GUEST_SMP=1 GUEST_QEMU_ARGS="-gdb tcp:127.0.0.1:$port -S" \
	"$TESTBED/guest.sh" "$arch" "$flavour" >"$out.guest" 2>&1 &
qemu=$!
timeout 600 gdb -q -batch -nx -ex "set \$port = $port" \
	-ex "set \$entries = $entries" -ex "set \$cmd_size = $cmd_size" \
	-x "$TESTBED/trace_ioctl.py" "$kb/vmlinux" >"$out.gdb" 2>&1
rc=$?
wait "$qemu" 2>/dev/null
grep '^trace ' "$out.gdb" >"$out"
[ "$rc" -eq 0 ] && grep -q '^trace total=' "$out" ||
	{ tail -n 20 "$out.gdb" >&2; die "trace of $flavour ($entries entries, $cmd_size-byte command) failed"; }
step "trace: $flavour, $entries entries, $cmd_size-byte command: $(sed -n 's/^trace total=//p' "$out") instructions"
