#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make series-check: apply the series to the base one patch at a time and
# prove that every patch passes checkpatch --strict (less the exceptions in
# testbed/checkpatch-exceptions) and builds for x86_64: the kernel with the
# test bed's config, incrementally from the patch before, without a compiler
# warning, and the iommu selftests whenever the patch touches them or the
# uAPI (with KERNEL=7.3 also the iterator's user-space tests whenever the
# patch touches them or the iterator). Prints one line per patch and exits
# non-zero if any line failed.
#
# It builds with kernel.sh, in the tree and the build directory of make
# run's x86_64 guest (build/src, build/kbuild/series-x86_64), and ends at the
# last patch, so the guest's kernel is already built when make test gets to
# it, and a second run rebuilds only what the patches change.

. "$(dirname "$0")/lib.sh"

arch=x86_64
out=$BUILD/series-check
src=$BUILD/src
kb=$BUILD/kbuild/series-$arch

"$TESTBED/deps.sh" run
mkdir -p "$out" "$kb" "$BUILD/logs"
"$TESTBED/tree.sh" src
rm -rf "$out/patches"
git -C "$BUILD/apply" format-patch -q -o "$out/patches" base..HEAD
mapfile -t commits < <(git -C "$BUILD/apply" rev-list --reverse base..HEAD)
mapfile -t patches < <(ls "$out/patches"/*.patch)
[ ${#commits[@]} -gt 0 ] && [ ${#commits[@]} -eq ${#patches[@]} ] ||
	die "series-check: ${#commits[@]} commits but ${#patches[@]} patch files"

fail=0
results=()
for i in "${!commits[@]}"; do
	c=${commits[$i]}
	patch=${patches[$i]}
	num=$(printf '%04d' $((i + 1)))
	subject=$(git -C "$BUILD/apply" log -1 --format=%s "$c")
	log=$BUILD/logs/series-check-$num.log
	step "series-check $num: $subject"
	git -C "$src" checkout -q -f --detach "$c"
	git -C "$src" clean -q -fdx
	verdict=OK
	notes=()

	cp_out=$(checkpatch_one "$src" "$patch")
	if [ -n "$cp_out" ]; then
		printf '%s\n' "$cp_out" >&2
		verdict=FAIL
		notes+=("checkpatch: $(grep -cE '^(ERROR|WARNING|CHECK):' <<<"$cp_out") problems")
	else
		except=$(checkpatch_except "$patch")
		notes+=("checkpatch clean${except:+ (except $except)}")
	fi

	start=$(date +%s)
	# kernel.sh's own steps, then the build's output, in one log per patch
	if ! PARTIAL_CONFIG=1 "$TESTBED/kernel.sh" "$arch" series >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		verdict=FAIL
		notes+=("$arch build FAILED ($log)")
	else
		cat "$BUILD/logs/kernel-series-$arch.log" >>"$log"
		warnings=$(grep -c 'warning:' "$BUILD/logs/kernel-series-$arch.log" || true)
		if [ "$warnings" -ne 0 ]; then
			grep 'warning:' "$BUILD/logs/kernel-series-$arch.log" >&2
			verdict=FAIL
		fi
		notes+=("$arch built in $(($(date +%s) - start)) s, $warnings warnings")
	fi

	if git -C "$src" diff --name-only "$c^" "$c" |
		grep -qE '^(tools/testing/selftests/iommu/|include/uapi/)'; then
		rm -rf "$out/selftests"
		mkdir -p "$out/selftests"
		if make -C "$src/tools/testing/selftests/iommu" OUTPUT="$out/selftests" \
			KHDR_INCLUDES="-isystem $kb/usr/include" >>"$log" 2>&1; then
			notes+=("selftests built")
		else
			tail -n 20 "$log" >&2
			verdict=FAIL
			notes+=("selftests FAILED ($log)")
		fi
	fi

	# 7.3: the iterator's user-space tests, whenever the patch touches
	# them or the iterator (6.12's patches added files in their final
	# version only, so its harness builds at the end of the series alone)
	if [ "$PATCH_FORMAT" = whole ] && [ -d "$src/tools/testing/iommu-user-array" ] &&
	   git -C "$src" diff --name-only "$c^" "$c" |
		grep -qE '^(tools/testing/iommu-user-array/|drivers/iommu/iommufd/user_data_array|include/linux/iommu_user_data_array\.h)'; then
		if make -s -C "$src/tools/testing/iommu-user-array" check >>"$log" 2>&1; then
			notes+=("user-space tests pass")
		else
			tail -n 20 "$log" >&2
			verdict=FAIL
			notes+=("user-space tests FAILED ($log)")
		fi
		git -C "$src" clean -q -fdx tools/testing/iommu-user-array
	fi

	[ "$verdict" = OK ] || fail=1
	line=$(printf '%s %-4s %s: %s' "$num" "$verdict" "$subject" "$(IFS=';'; echo "${notes[*]}" | sed 's/;/; /g')")
	results+=("$line")
	echo "$line"
done

step "series-check: one line per patch"
printf '%s\n' "${results[@]}" | tee "$out/summary.txt"
[ "$fail" -eq 0 ] || die "series-check failed"
step "series-check: PASS (${#commits[@]} patches)"
