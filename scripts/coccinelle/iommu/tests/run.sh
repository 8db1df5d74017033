#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Check the Coccinelle rules of scripts/coccinelle/iommu/.
#
# Usage: run.sh KERNEL_TREE [--base BASE_TREE]
#
# KERNEL_TREE is a source tree with the iommu_user_array series applied,
# BASE_TREE one of Linux 6.12 without it. Both are only read.
#
# 1. Samples. Each rule <rule>.cocci runs, in report mode and with the
#    options of its "Options:" line as coccicheck passes them, on every
#    sample (*.c, *.h) under tests/<rule>/ and under tests/common/. The
#    sorted output must equal the file beside the sample named
#    <sample>.expected (tests/<rule>/) or <sample>.<rule>.expected
#    (tests/common/), where <sample> is the path without its extension.
#    A sample whose path starts with bad_ must be reported, one that starts
#    with good_ must not. The org mode must print one line per report and
#    the context mode must print something exactly when there is a report.
#    A rule with a patch mode also patches a copy of each sample with
#    --in-place: the diff, followed by what spatch printed on stderr, must
#    equal <sample>[.<rule>].patch.expected.
# 2. KERNEL_TREE. "make coccicheck MODE=report M=drivers/iommu COCCI=<rule>"
#    must succeed, report nothing and take less than COCCI_TIME_LIMIT
#    seconds (default 60). It runs with J=1 (override with COCCI_J), so
#    that spatch writes no temporary directory into the tree.
# 3. BASE_TREE, with --base. The same make must report
#    drivers/iommu/intel/nested.c and drivers/iommu/iommufd/selftest.c for
#    user_array_fields and invalidate_loop.
#
# The rules share a block of Python between "# guard: begin" and
# "# guard: end", which must be the same in all of them.
#
# With UPDATE=1, the expected files are written from the output instead of
# compared with it; check the changes before committing them.
#
# Exit status: 0 if every check passed, 1 if one failed, 2 on bad usage.

set -u

usage() {
	echo "usage: $0 KERNEL_TREE [--base BASE_TREE]" >&2
	exit 2
}

TESTS=$(cd "$(dirname "$0")" && pwd)
RULES=$(dirname "$TESTS")
KERNEL=
BASE=
while [ $# -gt 0 ]; do
	case "$1" in
	--base)
		[ $# -ge 2 ] || usage
		BASE=$2
		shift 2
		;;
	-*)
		usage
		;;
	*)
		[ -z "$KERNEL" ] || usage
		KERNEL=$1
		shift
		;;
	esac
done
[ -n "$KERNEL" ] || usage
for t in "$KERNEL" $BASE; do
	if [ ! -f "$t/scripts/coccicheck" ] || [ ! -d "$t/drivers/iommu" ]; then
		echo "$t: not a kernel source tree" >&2
		exit 2
	fi
done
KERNEL=$(cd "$KERNEL" && pwd)
[ -z "$BASE" ] || BASE=$(cd "$BASE" && pwd)

SPATCH=${SPATCH:-spatch}
if ! command -v "$SPATCH" > /dev/null; then
	echo "$SPATCH: not found; install coccinelle" >&2
	exit 2
fi
TIME_LIMIT=${COCCI_TIME_LIMIT:-60}
JOBS=${COCCI_J:-1}
UPDATE=${UPDATE:-0}

failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Reports sorted by file, line and column
sort_reports() {
	LC_ALL=C sort -t: -k1,1 -k2,2n -k3,3n
}

# Compare or, with UPDATE=1, write an expected file
check_output() {
	local what=$1 expected=$2 actual=$3

	if [ "$UPDATE" = 1 ]; then
		cp "$actual" "$expected"
		return 0
	fi
	if [ ! -f "$expected" ]; then
		fail "$what: ${expected#"$TESTS"/} is missing; the output is:"
		if [ -s "$actual" ]; then
			sed 's/^/	/' "$actual"
		else
			echo "	(nothing)"
		fi
		return 1
	fi
	if ! cmp -s "$expected" "$actual"; then
		fail "$what: output differs from ${expected#"$TESTS"/}:"
		diff -u "$expected" "$actual" | sed 's/^/	/'
		return 1
	fi
	return 0
}

rules=()
for r in "$RULES"/*.cocci; do
	rules+=("$(basename "$r" .cocci)")
done
if [ ${#rules[@]} -eq 0 ]; then
	echo "no rule in $RULES" >&2
	exit 2
fi

"$SPATCH" --version | head -1

# The shared guard must not drift between the rules
guard() {
	sed -n '/^# guard: begin$/,/^# guard: end$/p' "$RULES/$1.cocci"
}
guard "${rules[0]}" > "$WORK/guard"
for r in "${rules[@]}"; do
	guard "$r" > "$WORK/guard.$r"
	if [ ! -s "$WORK/guard.$r" ]; then
		fail "$r: no guard block"
	elif ! cmp -s "$WORK/guard" "$WORK/guard.$r"; then
		fail "$r: guard block differs from the one in ${rules[0]}.cocci"
	fi
done

# One sample through one rule. $1 rule, $2 directory of the sample, $3 the
# sample relative to it, $4 the prefix of its expected files.
check_sample() {
	local r=$1 dir=$2 sample=$3 exp=$4
	local cocci="$RULES/$r.cocci" opt out name kind n m rc
	local -a flags

	name="$r: ${dir#"$WORK"/}/$sample"
	opt=$(grep "Options:" "$cocci" | cut -d':' -f2)
	# shellcheck disable=SC2206
	flags=(--very-quiet $opt --cocci-file "$cocci")
	out="$WORK/out"

	(cd "$dir" && HOME="$WORK" "$SPATCH" -D report --no-show-diff \
		"${flags[@]}" "$sample") > "$out.raw" 2> "$out.err"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$out.err" ]; then
		fail "$name: spatch failed in report mode:"
		sed 's/^/	/' "$out.err"
		return
	fi
	sort_reports < "$out.raw" > "$out"
	check_output "$name" "$exp.expected" "$out" || return

	kind=${sample%%/*}
	case "$kind" in
	bad_*)
		[ -s "$out" ] || fail "$name: a bad sample is not reported"
		;;
	good_*)
		[ -s "$out" ] && fail "$name: a good sample is reported"
		;;
	esac
	n=$(wc -l < "$out")

	(cd "$dir" && HOME="$WORK" "$SPATCH" -D org --no-show-diff \
		"${flags[@]}" "$sample") > "$out.org" 2> "$out.err"
	rc=$?
	m=$(grep -c '^\* TODO ' "$out.org")
	if [ $rc -ne 0 ] || [ -s "$out.err" ] || [ "$m" -ne "$n" ] ||
	   [ "$(wc -l < "$out.org")" -ne "$n" ]; then
		fail "$name: org mode printed $m items for $n reports:"
		cat "$out.org" "$out.err" | sed 's/^/	/'
	fi

	(cd "$dir" && HOME="$WORK" "$SPATCH" -D context \
		"${flags[@]}" "$sample") > "$out.ctx" 2> "$out.err"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$out.err" ]; then
		fail "$name: spatch failed in context mode:"
		sed 's/^/	/' "$out.err"
	elif [ "$n" -eq 0 ] && [ -s "$out.ctx" ]; then
		fail "$name: context mode marks a sample without reports:"
		sed 's/^/	/' "$out.ctx"
	elif [ "$n" -ne 0 ] && [ ! -s "$out.ctx" ]; then
		fail "$name: context mode marks nothing"
	fi

	grep -q '^virtual patch' "$cocci" || return
	rm -rf "$WORK/patch"
	mkdir -p "$WORK/patch/$(dirname "$sample")"
	cp "$dir/$sample" "$WORK/patch/$sample"
	(cd "$WORK/patch" && HOME="$WORK" "$SPATCH" -D patch --no-show-diff \
		--in-place "${flags[@]}" "$sample") > "$out.patch" 2> "$out.err"
	rc=$?
	if [ $rc -ne 0 ] || [ -s "$out.patch" ]; then
		fail "$name: spatch failed in patch mode:"
		cat "$out.patch" "$out.err" | sed 's/^/	/'
		return
	fi
	{
		(cd "$dir" && diff -u --label "a/$sample" --label "b/$sample" \
			"$sample" "$WORK/patch/$sample")
		sort_reports < "$out.err"
	} > "$out.diff"
	check_output "$name (patch mode)" "$exp.patch.expected" "$out.diff"
}

# Samples are run from a copy of tests/, where include/ is that of
# KERNEL_TREE for the rules that read include/uapi/linux/iommufd.h.
cp -a "$TESTS" "$WORK/tests"
samples() {
	(cd "$1" && find . \( -name '*.c' -o -name '*.h' \) \
		-not -path './include/*' | sed 's|^\./||' | LC_ALL=C sort)
}
echo "== samples"
for r in "${rules[@]}"; do
	dir="$WORK/tests/$r"
	if [ ! -d "$dir" ]; then
		fail "$r: no samples in tests/$r"
		continue
	fi
	ln -s "$KERNEL/include" "$dir/include"
	for s in $(samples "$dir"); do
		check_sample "$r" "$dir" "$s" "$TESTS/$r/${s%.*}"
	done
	rm "$dir/include"

	dir="$WORK/tests/common"
	ln -s "$KERNEL/include" "$dir/include"
	for s in $(samples "$dir"); do
		check_sample "$r" "$dir" "$s" "$TESTS/common/${s%.*}.$r"
	done
	rm "$dir/include"
done
[ $failures -eq 0 ] && echo "all samples as expected"

# Run coccicheck on drivers/iommu of a tree; print the reports to $3
coccicheck() {
	local tree=$1 r=$2 out=$3

	make -s -C "$tree" coccicheck MODE=report J="$JOBS" M=drivers/iommu \
		COCCI="$RULES/$r.cocci" > "$out.raw" 2>&1
	local rc=$?
	# Drop what coccicheck and .cocciconfig's --use-gitgrep print anyway
	grep -v -e '^$' \
		-e '^Please check for false positives in the output' \
		-e '^When using "patch" mode, carefully review the patch' \
		-e "^$(command -v "$SPATCH") " -e "^$SPATCH " \
		-e '^fatal: not a git repository' \
		-e '^[0-9]* files match$' \
		-e '^make.*: \(Entering\|Leaving\) directory' \
		"$out.raw" | sort_reports > "$out"
	return $rc
}

# Seconds since $1, a date +%s.%N
elapsed() {
	awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'
}

echo "== $KERNEL: make coccicheck MODE=report M=drivers/iommu"
for r in "${rules[@]}"; do
	start=$(date +%s.%N)
	coccicheck "$KERNEL" "$r" "$WORK/tree"
	rc=$?
	secs=$(elapsed "$start")
	printf '%-24s %6.1f s\n' "$r" "$secs"
	if [ $rc -ne 0 ]; then
		fail "$r: make coccicheck failed on $KERNEL:"
		sed 's/^/	/' "$WORK/tree.raw"
	elif [ -s "$WORK/tree" ]; then
		fail "$r: reports on $KERNEL/drivers/iommu:"
		sed 's/^/	/' "$WORK/tree"
	fi
	if awk "BEGIN { exit !($secs >= $TIME_LIMIT) }"; then
		fail "$r: took ${secs}s on drivers/iommu, limit ${TIME_LIMIT}s"
	fi
done

if [ -n "$BASE" ]; then
	echo "== $BASE: make coccicheck MODE=report M=drivers/iommu"
	for r in user_array_fields invalidate_loop; do
		start=$(date +%s.%N)
		coccicheck "$BASE" "$r" "$WORK/base"
		rc=$?
		printf '%-24s %6.1f s\n' "$r" "$(elapsed "$start")"
		sed 's/^/	/' "$WORK/base"
		if [ $rc -ne 0 ]; then
			fail "$r: make coccicheck failed on $BASE:"
			sed 's/^/	/' "$WORK/base.raw"
			continue
		fi
		for f in drivers/iommu/intel/nested.c \
			 drivers/iommu/iommufd/selftest.c; do
			grep -q "^$f:[0-9]*:[0-9]*-[0-9]*: " "$WORK/base" ||
				fail "$r: $BASE/$f is not reported"
		done
	done
fi

if [ $failures -ne 0 ]; then
	echo "$failures check(s) failed"
	exit 1
fi
echo "all checks passed"
