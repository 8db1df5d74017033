#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Instructions per entry of each method of ./benchmark, counted by callgrind
# inside the method's function only, so the number does not drift from run
# to run as a time does. One line per case:
#   callgrind name=<method>-<layout> entries=<n> len=<bytes> instr_per_entry=<i>

set -eu
command -v valgrind >/dev/null || {
	echo "callgrind.sh: valgrind not found (Debian: apt-get install valgrind)" >&2
	exit 1
}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

for layout in linear ring; do
	for num in 1 64 4096; do
		# about 2^18 entries per case, and at least 16 calls
		reps=$((262144 / num))
		[ "$reps" -ge 16 ] || reps=16
		for method in iter per-entry memcpy; do
			fn=$(echo "run_$method" | tr - _)
			valgrind --tool=callgrind --collect-atstart=no \
				--toggle-collect="$fn" \
				--callgrind-out-file="$out/cg" \
				./benchmark "$method" "$layout" "$num" 16 "$reps" \
				2>"$out/log" || { cat "$out/log" >&2; exit 1; }
			ir=$(sed -n 's/^totals: *//p' "$out/cg")
			[ -n "$ir" ] || { echo "callgrind.sh: no totals" >&2; exit 1; }
			printf 'callgrind name=%s-%s entries=%d len=16 instr_per_entry=%s\n' \
				"$method" "$layout" "$num" \
				"$(echo "scale=1; $ir / ($num * $reps)" | bc)"
		done
	done
done
