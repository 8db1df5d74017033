#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench: IOMMU_HWPT_INVALIDATE on the base kernel and on the series,
# side by side. The base is Debian's kernel with the two patches of the test
# infrastructure (testbed/bench-base-patches), without which the mock driver
# does not work behind VT-d. Builds both x86_64 kernels with the test bed's configs, one
# initramfs with the series' iommufd_inval_bench (the same binary for both
# kernels), boots the two guests in turn BENCH_ROUNDS times (3 by default)
# with the same QEMU settings, counts the kernel instructions of one
# one-entry call function by function (testbed/trace.sh) and the user-space
# iterator's instructions under callgrind, and prints one table
# (build/bench/table.md). Then a VMM forwarding guest bursts three ways
# (one command per call, one linear call per CMD_SYNC, one ring call per
# doorbell): the same cases of iommufd_inval_bench on the mock, and
# iommufd_smmu_nested's forward_bursts in the arm64 guest on QEMU's
# emulated nesting SMMUv3, booted with the same -icount settings.
# BENCH_README=1 also writes the table into README.md.
#
# KERNEL=7.3: the unmodified 7.3 against the 7.3 series, on the mock in an
# x86_64 and an arm64 guest of each (mainline/bench-base-patches gives the
# base nothing: 7.3 has the test infrastructure). The first round also
# counts the slab allocations and pages of 10,000 calls of a large array
# (iommufd_inval_bench allocs). The SMMUv3 bursts run when the 7.3 series
# has iommufd_smmu_nested; otherwise, or when the kernel refuses it a
# vIOMMU, the table says why they were not measured. Tables go to
# mainline/README.md.
#
# BENCH_CLOCK=icount (the default) runs the guests with one CPU and
# -icount shift=0, so that the guest's clock advances 1 ns per guest
# instruction: the numbers are instruction counts, the same on every boot.
# BENCH_CLOCK=host keeps the wall clock of the emulation, which varies from
# boot to boot by up to 1.8 times.

. "$(dirname "$0")/lib.sh"

arch=x86_64
rounds=${BENCH_ROUNDS:-3}
clock=${BENCH_CLOCK:-icount}
out=$BUILD/bench
case $rounds in '' | *[!0-9]* | 0) die "BENCH_ROUNDS must be a positive number" ;; esac
case $clock in
icount) smp=1 qemu_args="-icount shift=0,sleep=off" ;;
host) smp=2 qemu_args= ;;
*) die "BENCH_CLOCK must be icount or host" ;;
esac

"$TESTBED/deps.sh" run

# build_bench ARCH: iommufd_inval_bench, static, from the series in
# build/src against its installed uAPI headers: the one binary both
# kernels of ARCH run
build_bench() {
	local arch=$1 cross=
	[ "$arch" = arm64 ] && cross=aarch64-linux-gnu-
	step "bench: building iommufd_inval_bench for $arch (static) from the series"
	mkdir -p "$out/prog-$arch"
	make -C "$BUILD/src/tools/testing/selftests/iommu" OUTPUT="$out/prog-$arch" \
		CROSS_COMPILE="$cross" ARCH="$arch" \
		KHDR_INCLUDES="-isystem $BUILD/kbuild/series-$arch/usr/include" \
		LDLIBS="-static" "$out/prog-$arch/iommufd_inval_bench" >"$out/prog-$arch.log" 2>&1 ||
		{ tail -n 20 "$out/prog-$arch.log" >&2; die "iommufd_inval_bench did not build for $arch"; }
}

# boot_bench ARCH FLAVOUR CPIO LOG: one guest of the benchmark
boot_bench() {
	GUEST_CPIO=$3 GUEST_LOG=$4 GUEST_TIMEOUT=${BENCH_GUEST_TIMEOUT:-1200} \
		GUEST_SMP=$smp GUEST_QEMU_ARGS=$qemu_args \
		"$TESTBED/guest.sh" "$1" "$2"
}

bench_mainline() {
	local arches=(x86_64 arm64) arch flavour r root busybox smmu cpio

	BASE_PATCHES=$BENCH_BASE_PATCH_LIST "$TESTBED/tree.sh" src base
	for arch in "${arches[@]}"; do
		"$TESTBED/kernel.sh" "$arch" base
	done
	"$TESTBED/tree.sh" src
	for arch in "${arches[@]}"; do
		"$TESTBED/kernel.sh" "$arch" series
	done

	rm -rf "$out"
	mkdir -p "$out"
	for arch in "${arches[@]}"; do
		build_bench "$arch"
		busybox=/bin/busybox
		[ "$arch" = arm64 ] && busybox=$BUILD/deps/busybox-arm64/bin/busybox
		root=$out/root-$arch
		mkdir -p "$root/bin" "$root/bench"
		cp "$busybox" "$root/bin/busybox"
		cp "$out/prog-$arch/iommufd_inval_bench" "$root/bench/"
		pack_initramfs "$root" "$out/bench-$arch.cpio"
		# The first round also counts allocations
		printf '%s\n' '#!/bin/sh' 'exec /bench/iommufd_inval_bench allocs' \
			>"$root/bench/zz_allocs"
		chmod 755 "$root/bench/zz_allocs"
		pack_initramfs "$root" "$out/bench-$arch-allocs.cpio"
	done

	# Interleaved, so that a slower moment of the host hits both kernels
	for ((r = 1; r <= rounds; r++)); do
		for arch in "${arches[@]}"; do
			cpio=$out/bench-$arch.cpio
			[ "$r" = 1 ] && cpio=$out/bench-$arch-allocs.cpio
			for flavour in base series; do
				step "bench: round $r/$rounds, $arch, $flavour"
				boot_bench "$arch" "$flavour" "$cpio" "$out/$flavour-$arch-$r.log"
			done
		done
	done

	# The guest's bursts on the emulated SMMUv3 need the series' VMM
	# selftest and a vIOMMU, which 7.3 allocates only on an SMMU with
	# S2FWB or a CANWBS root complex (QEMU 10's has neither)
	smmu=$BUILD/src/tools/testing/selftests/iommu/iommufd_smmu_nested.c
	if [ -f "$smmu" ]; then
		step "bench: arm64, the guest's bursts on the emulated SMMUv3"
		"$TESTBED/initramfs.sh" arm64 series
		root=$out/root-smmu
		mkdir -p "$root/bin" "$root/bench"
		cp "$BUILD/deps/busybox-arm64/bin/busybox" "$root/bin/busybox"
		cp "$BUILD/selftests/series-arm64/iommufd_smmu_nested" "$root/bin/"
		printf '%s\n' '#!/bin/sh' \
			'IOMMUFD_BENCH_REPS=5 exec /bin/iommufd_smmu_nested -t forward_bursts' \
			>"$root/bench/smmu_bursts"
		chmod 755 "$root/bench/smmu_bursts"
		pack_initramfs "$root" "$out/bench-smmu.cpio"
		boot_bench arm64 series "$out/bench-smmu.cpio" "$out/series-arm64-smmu.log"
	else
		echo "the $KERNEL series has no iommufd_smmu_nested (6.12's patch 0021 is not ported: $KERNEL allocates no vIOMMU on QEMU 10's SMMU, which has neither S2FWB nor a CANWBS root complex)" \
			>"$out/smmu-not-measured"
	fi

	readme=()
	[ "${BENCH_README:-}" = 1 ] && readme=(--readme "$SERIES_ROOT/README.md")
	python3 "$TESTBED/bench.py" --kernel "$KERNEL" "$out" "$rounds" "$clock" "${readme[@]}"
}

if [ "$KERNEL" != 6.12 ]; then
	bench_mainline
	exit 0
fi

BASE_PATCHES=$BENCH_BASE_PATCH_LIST "$TESTBED/tree.sh" src base
"$TESTBED/kernel.sh" "$arch" base
"$TESTBED/tree.sh" src
"$TESTBED/kernel.sh" "$arch" series

step "bench: building iommufd_inval_bench (static) from the series"
rm -rf "$out"
mkdir -p "$out/prog" "$out/root/bin" "$out/root/bench"
make -C "$BUILD/src/tools/testing/selftests/iommu" OUTPUT="$out/prog" \
	KHDR_INCLUDES="-isystem $BUILD/kbuild/series-$arch/usr/include" \
	LDLIBS="-static" "$out/prog/iommufd_inval_bench" >"$out/prog.log" 2>&1 ||
	{ tail -n 20 "$out/prog.log" >&2; die "iommufd_inval_bench did not build"; }
cp /bin/busybox "$out/root/bin/busybox"
cp "$out/prog/iommufd_inval_bench" "$out/root/bench/"
pack_initramfs "$out/root" "$out/bench.cpio"

# Interleaved, so that a slower moment of the host hits both kernels
for ((r = 1; r <= rounds; r++)); do
	for flavour in base series; do
		step "bench: round $r/$rounds, $flavour"
		GUEST_CPIO=$out/bench.cpio GUEST_LOG=$out/$flavour-$r.log GUEST_TIMEOUT=600 \
			GUEST_SMP=$smp GUEST_QEMU_ARGS=$qemu_args \
			"$TESTBED/guest.sh" "$arch" "$flavour"
	done
done

# The command of the series' uAPI (48 bytes) and that of 6.12 (32 bytes)
for flavour in base series; do
	for size in 48 32; do
		"$TESTBED/trace.sh" "$flavour" 1 "$size" "$out/trace-$flavour-$size.txt"
	done
done

step "bench: arm64, the guest's bursts on the emulated SMMUv3"
"$TESTBED/kernel.sh" arm64 series
"$TESTBED/initramfs.sh" arm64 series
rm -rf "$out/root-arm64"
mkdir -p "$out/root-arm64/bin" "$out/root-arm64/bench"
cp "$BUILD/deps/busybox-arm64/bin/busybox" "$out/root-arm64/bin/busybox"
cp "$BUILD/selftests/series-arm64/iommufd_smmu_nested" "$out/root-arm64/bin/"
printf '%s\n' '#!/bin/sh' \
	'IOMMUFD_BENCH_REPS=5 exec /bin/iommufd_smmu_nested -t forward_bursts' \
	>"$out/root-arm64/bench/smmu_bursts"
chmod 755 "$out/root-arm64/bench/smmu_bursts"
pack_initramfs "$out/root-arm64" "$out/bench-arm64.cpio"
GUEST_CPIO=$out/bench-arm64.cpio GUEST_LOG=$out/series-arm64.log GUEST_TIMEOUT=900 \
	GUEST_SMP=$smp GUEST_QEMU_ARGS=$qemu_args \
	"$TESTBED/guest.sh" arm64 series

step "bench: instructions per entry in user space (callgrind)"
make -s -C "$BUILD/src/tools/testing/iommu-user-array" callgrind >"$out/callgrind.txt" 2>&1 ||
	{ tail -n 20 "$out/callgrind.txt" >&2; die "callgrind run failed"; }

readme=()
[ "${BENCH_README:-}" = 1 ] && readme=(--readme "$TOP/README.md")
python3 "$TESTBED/bench.py" "$out" "$rounds" "$clock" "${readme[@]}"
