#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The test matrix: apply the series (or take the base), build a kernel and
# an initramfs per architecture, boot each guest, print one verdict.
# Usage: run.sh [series|base]   ARCHES="x86_64 arm64" selects the guests.

. "$(dirname "$0")/lib.sh"

flavour=${1:-series}
arches=${ARCHES:-x86_64 arm64}

"$TESTBED/deps.sh" run
if [ "$flavour" = base ]; then
	"$TESTBED/tree.sh" src base
else
	"$TESTBED/tree.sh" src
fi
for arch in $arches; do
	"$TESTBED/kernel.sh" "$arch" "$flavour"
	"$TESTBED/initramfs.sh" "$arch" "$flavour"
	"$TESTBED/guest.sh" "$arch" "$flavour"
done
readme=()
[ "$arches" = "x86_64 arm64" ] && readme=(--readme "$SERIES_ROOT/README.md")
step "results"
# shellcheck disable=SC2086
python3 "$TESTBED/results.py" "$flavour" $arches "${readme[@]}"
