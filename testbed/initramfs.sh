#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the iommu kselftests static for ARCH against the headers of the
# kernel just built, and pack them with busybox and init into an initramfs.
# Usage: initramfs.sh ARCH [base]

. "$(dirname "$0")/lib.sh"

arch=$1
flavour=${2:-series}
src=$BUILD/src
kb=$BUILD/kbuild/$flavour-$arch
out=$BUILD/selftests/$flavour-$arch
root=$BUILD/initramfs/$flavour-$arch
cpio=$BUILD/initramfs/$flavour-$arch.cpio

# The selftests link libcap (7.3's do; 6.12's take nothing from it)
incs="-isystem $kb/usr/include"
libs="-static -lcap -lpthread"
case $arch in
x86_64) cross= ; busybox=/bin/busybox ;;
arm64)
	cross=aarch64-linux-gnu-
	busybox=$BUILD/deps/busybox-arm64/bin/busybox
	incs+=" -isystem $BUILD/deps/libcap-arm64/usr/include"
	libs="-L$BUILD/deps/libcap-arm64/usr/lib/aarch64-linux-gnu $libs"
	;;
esac
[ -x "$busybox" ] || die "no busybox for $arch at $busybox (run testbed/deps.sh)"
[ -d "$kb/usr/include/linux" ] || die "no installed headers in $kb/usr/include (build the kernel first)"

step "$arch ($flavour): building tools/testing/selftests/iommu (static)"
# The selftests' make does not see the installed uAPI headers change
if [ -d "$out" ] && [ -n "$(find "$kb/usr/include" -newer "$out" -name '*.h' -print -quit)" ]; then
	rm -rf "$out"
fi
mkdir -p "$out" "$BUILD/logs"
log=$BUILD/logs/selftests-$flavour-$arch.log
make -C "$src/tools/testing/selftests/iommu" OUTPUT="$out" \
	CROSS_COMPILE="$cross" ARCH="$arch" \
	KHDR_INCLUDES="$incs" LDLIBS="$libs" \
	>"$log" 2>&1 || { tail -n 30 "$log" >&2; die "selftests did not build, see $log"; }
touch "$out"

rm -rf "$root"
mkdir -p "$root/bin" "$root/tests"
cp "$busybox" "$root/bin/busybox"
# Benchmarks are built with the tests but run only by make bench
for t in "$out"/*; do
	case $t in *_bench) continue ;; esac
	[ -f "$t" ] && [ -x "$t" ] && cp "$t" "$root/tests/"
done
[ -n "$(ls "$root/tests")" ] || die "no selftest binaries in $out"
pack_initramfs "$root" "$cpio"
step "$arch ($flavour): initramfs $cpio ($(ls "$root/tests" | tr '\n' ' '))"
