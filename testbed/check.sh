#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The fast tier: the test bed's own tests, the series applies to the base,
# checkpatch --strict and kernel-doc on everything the series adds or changes.

. "$(dirname "$0")/lib.sh"

fail=0
bad() {
	printf 'check: FAIL: %s\n' "$*" >&2
	fail=1
}

"$TESTBED/deps.sh" check

step "test bed: results parser on sample logs"
"$TESTBED/tests/run.sh" || bad "results parser self-test"

step "series applies to the base"
"$TESTBED/tree.sh" apply
apply=$BUILD/apply
mkdir -p "$BUILD/check"

# present: true when the series has PATH; KERNEL=7.3 says so plainly for
# the parts of the series not ported yet, and fails nothing in their place.
present() {
	[ -e "$apply/$1" ] && return 0
	[ "$KERNEL" = 6.12 ] && die "the series has no $1"
	step "  NOT RUN: the $KERNEL series has no $1 yet"
	return 1
}

step "user-space tests of the iterator (tools/testing/iommu-user-array)"
if present tools/testing/iommu-user-array; then
	make -s -C "$apply/tools/testing/iommu-user-array" check >"$BUILD/check/user-array.log" 2>&1 ||
		{ tail -n 30 "$BUILD/check/user-array.log" >&2; bad "tools/testing/iommu-user-array"; }
	grep -a '^iommu-user-array:' "$BUILD/check/user-array.log" || true
fi

step "Coccinelle rules: samples, the series (no report), the base (reports $KERNEL)"
if present scripts/coccinelle/iommu/tests/run.sh; then
	"$apply/scripts/coccinelle/iommu/tests/run.sh" "$apply" \
		--base "$BUILD/base/$(base_version)" >"$BUILD/check/cocci.log" 2>&1 ||
		{ tail -n 30 "$BUILD/check/cocci.log" >&2; bad "Coccinelle rules (log: build/check/cocci.log)"; }
	grep -aE '^ *(time|[a-z_]+: [0-9.]+ ?s)|all checks passed' "$BUILD/check/cocci.log" | tail -n 8 || true
fi

step "checkpatch --strict on every patch of the series"
mkdir -p "$BUILD/check"
rm -f "$BUILD/check"/*.patch
git -C "$apply" format-patch -q -o "$BUILD/check" base..HEAD
# checkpatch PATCH: run checkpatch --strict on one patch and report it
checkpatch() {
	local out ignore
	out=$(checkpatch_one "$apply" "$1")
	if [ -n "$out" ]; then
		printf '%s\n' "$out" >&2
		bad "checkpatch: $(basename "$1")"
	else
		ignore=$(checkpatch_except "$1")
		echo "  checkpatch clean: $(basename "$1")${ignore:+ (except $ignore)}"
	fi
}
for p in "$BUILD/check"/*.patch; do
	[ -e "$p" ] || continue
	checkpatch "$p"
done

if [ -n "$BED_PATCH_LIST" ]; then
	step "checkpatch --strict on the bed's test-only patches (${BED_PATCH_LIST#"$TOP"/})"
	while read -r p; do
		case $p in '' | '#'*) continue ;; esac
		checkpatch "$(dirname "$BED_PATCH_LIST")/$p"
	done <"$BED_PATCH_LIST"
fi

step "kernel-doc -none -Wall on the C files the series adds or changes"
mapfile -t files < <(git -C "$apply" diff --name-only --diff-filter=AM base HEAD -- '*.c' '*.h')
for f in "${files[@]}"; do
	out=$(cd "$apply" && scripts/kernel-doc -none -Wall "$f" 2>&1)
	if [ -n "$out" ]; then
		printf '%s\n' "$out" >&2
		bad "kernel-doc: $f"
	fi
done
echo "  kernel-doc checked ${#files[@]} files"

[ "$fail" -eq 0 ] || die "make check failed"
step "make check: PASS"
