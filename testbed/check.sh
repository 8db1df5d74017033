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

step "checkpatch --strict on every patch and on the files the series adds"
mkdir -p "$BUILD/check"
rm -f "$BUILD/check"/*.patch
n=0
for c in $(git -C "$apply" rev-list --reverse base..HEAD); do
	n=$((n + 1))
	git -C "$apply" format-patch -q -1 --start-number "$n" -o "$BUILD/check" "$c"
done
for p in "$BUILD/check"/*.patch; do
	[ -e "$p" ] || continue
	out=$(cd "$apply" && scripts/checkpatch.pl --strict --no-tree --quiet \
		"$p" 2>&1) || true
	if [ -n "$out" ]; then
		printf '%s\n' "$out" >&2
		bad "checkpatch: $(basename "$p")"
	else
		echo "  checkpatch clean: $(basename "$p")"
	fi
done

step "kernel-doc -none -Wall on the C files the series adds or changes"
mapfile -t files < <(git -C "$apply" diff --name-only --diff-filter=AM base HEAD -- '*.c' '*.h' |
	grep -v '^tools/')
for f in "${files[@]}"; do
	out=$(cd "$apply" && scripts/kernel-doc -none -Wall "$f" 2>&1) || true
	if [ -n "$out" ]; then
		printf '%s\n' "$out" >&2
		bad "kernel-doc: $f"
	fi
done
echo "  kernel-doc checked ${#files[@]} files"

[ "$fail" -eq 0 ] || die "make check failed"
step "make check: PASS"
