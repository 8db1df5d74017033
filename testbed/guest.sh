#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Boot the guest for ARCH under TCG with its emulated IOMMU; the serial
# console is kept in build/results/<flavour>-<arch>.log. Each guest has
# an edu device (QEMU's teaching PCI device, which does DMA) behind its
# IOMMU for the tests to hand to user space through VFIO. The arm64
# guest's SMMUv3 has stage 1 and stage 2 (nesting); the commands it
# executes are traced to build/results/<flavour>-arm64.smmu-trace.
# Usage: guest.sh ARCH [base]
# GUEST_CPIO and GUEST_LOG override the initramfs and the console log
# (make bench boots its own initramfs); GUEST_SMP the number of CPUs (2), and
# GUEST_QEMU_ARGS adds QEMU options (make bench counts instructions with
# -icount).

. "$(dirname "$0")/lib.sh"

arch=$1
flavour=${2:-series}
kb=$BUILD/kbuild/$flavour-$arch
cpio=${GUEST_CPIO:-$BUILD/initramfs/$flavour-$arch.cpio}
res=$BUILD/results
log=${GUEST_LOG:-$res/$flavour-$arch.log}
timeout=${GUEST_TIMEOUT:-1200}
mkdir -p "$res"

# shellcheck disable=SC2206 # GUEST_QEMU_ARGS is a list of options
common=(-accel tcg -smp "${GUEST_SMP:-2}" -m 2G -display none -monitor none -no-reboot
	-serial "file:$log" -initrd "$cpio" -nic none -device edu ${GUEST_QEMU_ARGS:-})
case $arch in
x86_64)
	qemu=(qemu-system-x86_64 -machine q35,kernel-irqchip=split
	      -device intel-iommu,intremap=on,x-scalable-mode=on
	      -bios /usr/share/qemu/qboot.rom)
	append="console=ttyS0"
	;;
arm64)
	trace=${log%.log}.smmu-trace
	rm -f "$trace"
	qemu=(qemu-system-aarch64 -machine virt,iommu=smmuv3,gic-version=3
	      -global arm-smmuv3.stage=nested -cpu max,pauth-impdef=on
	      -trace "events=$TESTBED/smmu-trace-events" -D "$trace")
	# QEMU's SMMUv3 has no S2FWB: nesting is only allowed by the driver's
	# unsafe switch, which the kernel log and the results report
	append="console=ttyAMA0${ARM64_UNSAFE_NESTING:+ $ARM64_UNSAFE_NESTING=1}"
	;;
esac
# The version is part of the results: what the emulated IOMMU can do
# depends on it.
"${qemu[0]}" --version | head -n1 >"${log%.log}.qemu-version"
step "$arch ($flavour): $(cat "${log%.log}.qemu-version")"

step "$arch ($flavour): booting the guest (timeout ${timeout}s, console: ${log#"$TOP"/})"
rm -f "$log"
start=$(date +%s)
rc=0
timeout "$timeout" "${qemu[@]}" "${common[@]}" -kernel "$kb/$(kimage "$arch")" \
	-append "$append panic=-1 oops=panic" &
pid=$!
while ! wait_timeout "$pid" 30; do
	step "  ... $arch guest running ($(($(date +%s) - start))s): $(grep -a -o 'TESTBED-BEGIN .*\|# Subtest: .*' "$log" 2>/dev/null | tail -n1)"
done
wait "$pid" || rc=$?
[ "$rc" -eq 124 ] && step "$arch ($flavour): guest TIMED OUT after ${timeout}s"
[ "$rc" -eq 0 ] || [ "$rc" -eq 124 ] || step "$arch ($flavour): qemu exited with $rc"
echo "$rc" >"${log%.log}.qemu-rc"
step "$arch ($flavour): guest finished in $(($(date +%s) - start))s"
