#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the series for both architectures with IOMMUFD as a module and
# without it (the guests boot IOMMUFD=y kernels): with IOMMUFD=m the iterator
# must be built in for the built-in IOMMU drivers, and nothing may reference
# it from the wrong side; without IOMMUFD the drivers must still build and
# link, with no iterator at all.

. "$(dirname "$0")/lib.sh"

"$TESTBED/deps.sh" run
"$TESTBED/tree.sh" src
for arch in ${ARCHES:-x86_64 arm64}; do
	"$TESTBED/kernel.sh" "$arch" modular
	grep -q "^$ITERATOR_CONFIG=y\$" "$BUILD/kbuild/modular-$arch/.config" ||
		die "$arch: the iterator is not built in with IOMMUFD=m"
	[ -f "$BUILD/kbuild/modular-$arch/drivers/iommu/iommufd/iommufd.ko" ] ||
		die "$arch: no iommufd.ko"
	step "$arch: IOMMUFD=m builds, iommufd.ko and the built-in iterator: OK"

	"$TESTBED/kernel.sh" "$arch" noiommufd
	! grep -q "^$ITERATOR_CONFIG=" "$BUILD/kbuild/noiommufd-$arch/.config" ||
		die "$arch: the iterator is built without IOMMUFD"
	step "$arch: builds without IOMMUFD, and without the iterator: OK"
done
