# SPDX-License-Identifier: GPL-2.0
# Helpers shared by the test bed scripts; sourced, not run.

set -euo pipefail

# Debian's own tools first: the kernel's scripts need Debian's python3
# modules (ply and git for spdxcheck.py), not another python on PATH.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TESTBED=$TOP/testbed

# The base kernel and the series made for it. KERNEL=6.12 (the default) is
# Debian's linux-source-6.12 and the series in patches/ with its added files
# at their kernel paths here; KERNEL=7.3 is Debian's mainline source package
# and the series in mainline/patches/, whole git format-patch files applied
# with git am. Each has its own build directory.
KERNEL=${KERNEL:-6.12}
case $KERNEL in
6.12)
	BASE_PKG=linux-source-6.12
	BASE_SUITE=
	BASE_MADE_ON=$(cat "$TESTBED/base-version")
	SERIES_ROOT=$TOP
	CONFIG_DIR=$TESTBED/config
	EXPECT=${EXPECT:-$TESTBED/expect}
	BASE_PATCH_LIST=$TESTBED/base-patches
	# The base make bench compares the series with
	BENCH_BASE_PATCH_LIST=$TESTBED/bench-base-patches
	PATCH_FORMAT=split
	COVER_LETTER=$TESTBED/cover-letter
	# The series' own unsafe switch that lets QEMU's SMMU (no S2FWB) nest
	ARM64_UNSAFE_NESTING=arm_smmu_v3.nesting_without_s2fwb
	# Test-only patches the bed adds to the trees it boots (none)
	BED_PATCH_LIST=
	# The option that builds the iterator (make modular)
	ITERATOR_CONFIG=CONFIG_IOMMUFD_USER_ARRAY
	CHECKPATCH_EXCEPTIONS=$TESTBED/checkpatch-exceptions
	BUILD=${BUILD:-$TOP/build}
	;;
7.3)
	# From trixie-backports: only this package, at this version; it
	# depends on binutils and xz-utils alone, which bookworm's satisfy.
	BASE_PKG=linux-source-7.3
	BASE_SUITE=trixie-backports
	BASE_MADE_ON=7.3.4-1~bpo13+1
	SERIES_ROOT=$TOP/mainline
	CONFIG_DIR=$SERIES_ROOT/config
	EXPECT=${EXPECT:-$SERIES_ROOT/expect}
	BASE_PATCH_LIST=$SERIES_ROOT/base-patches
	BENCH_BASE_PATCH_LIST=$SERIES_ROOT/bench-base-patches
	PATCH_FORMAT=whole
	COVER_LETTER=$SERIES_ROOT/cover-letter
	# 7.3 refuses a vIOMMU without S2FWB or CANWBS, which QEMU's SMMU
	# lacks: the bed's test-only patch adds this unsafe switch
	ARM64_UNSAFE_NESTING=arm_smmu_v3.unsafe_nesting_without_s2fwb
	BED_PATCH_LIST=$SERIES_ROOT/unsafe-patches/series
	ITERATOR_CONFIG=CONFIG_IOMMUFD_DRIVER_CORE
	CHECKPATCH_EXCEPTIONS=$SERIES_ROOT/checkpatch-exceptions
	BUILD=${BUILD:-$TOP/build/7.3}
	;;
*)
	echo "testbed: error: unknown KERNEL=$KERNEL (6.12 or 7.3)" >&2
	exit 1
	;;
esac
BASE_TARBALL=/usr/src/$BASE_PKG.tar.xz
PATCHES=$SERIES_ROOT/patches
export KERNEL BUILD EXPECT

# The QEMU both guests boot: bookworm's 7.2 emulates a stage-1-only SMMUv3,
# bookworm-backports' 10.0 a nesting-capable one (stage 1 and stage 2).
QEMU_SUITE=bookworm-backports
QEMU_VERSION=1:10.0.2+ds-2+deb13u1~bpo12+1
QEMU_PKGS=(qemu-system-x86 qemu-system-arm qemu-system-common qemu-system-data)

T0=${T0:-$(date +%s)}
export T0

# step NAME: announce a step with the time elapsed since the bed started.
step() {
	printf '==> [%4ds] %s\n' $(($(date +%s) - T0)) "$*" >&2
}

die() {
	printf 'testbed: error: %s\n' "$*" >&2
	exit 1
}

# run_logged LOG CMD...: run a long command with its output in LOG, printing
# a heartbeat every minute so a slow build does not look hung.
run_logged() {
	local log=$1 pid start rc
	shift
	start=$(date +%s)
	"$@" >"$log" 2>&1 &
	pid=$!
	while ! wait_timeout "$pid" 60; do
		step "  ... still running ($(($(date +%s) - start))s): $(tail -n1 "$log" | cut -c1-100)"
	done
	rc=0
	wait "$pid" || rc=$?
	if [ "$rc" -ne 0 ]; then
		tail -n 40 "$log" >&2
		die "'$*' failed (exit $rc), full log: $log"
	fi
}

# wait_timeout PID SECS: true once PID has exited, false after SECS.
wait_timeout() {
	local i
	for ((i = 0; i < $2; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 1
	done
	return 1
}

base_version() {
	dpkg-query -W -f='${Version}' "$BASE_PKG" 2>/dev/null || true
}

kcross() {
	case $1 in
	x86_64) echo "ARCH=x86_64" ;;
	arm64) echo "ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-" ;;
	*) die "unknown arch $1" ;;
	esac
}

kimage() {
	case $1 in
	x86_64) echo arch/x86/boot/bzImage ;;
	arm64) echo arch/arm64/boot/Image ;;
	esac
}

# checkpatch_except PATCH: the checkpatch types $CHECKPATCH_EXCEPTIONS
# lets PATCH (a format-patch file) raise, comma-separated; each is explained
# in the patch's message.
checkpatch_except() {
	awk -v p="$(basename "$1" | sed 's/^[0-9]\{4\}-//')" '$1 == p { printf "%s%s", s, $2; s = "," }' \
		"$CHECKPATCH_EXCEPTIONS"
}

# checkpatch_one TREE PATCH: print what checkpatch --strict finds in PATCH,
# less its exceptions; nothing when the patch is clean. The trees are made
# from source packages without git history, in which checkpatch cannot look
# up the commit a Fixes: tag names (UNKNOWN_COMMIT_ID): not a finding here.
checkpatch_one() {
	local ignore
	ignore=$(checkpatch_except "$2")
	ignore=UNKNOWN_COMMIT_ID${ignore:+,$ignore}
	(cd "$1" && scripts/checkpatch.pl --strict --quiet ${ignore:+--ignore "$ignore"} "$2" 2>&1) || true
}

# pack_initramfs ROOT CPIO: install the guests' init into ROOT and pack ROOT
# into the newc archive CPIO, in a stable order and owned by root.
pack_initramfs() {
	install -m 755 "$TESTBED/init" "$1/init"
	(cd "$1" && find . -print0 | sort -z | cpio --null -o -H newc --quiet -R 0:0) >"$2"
}
