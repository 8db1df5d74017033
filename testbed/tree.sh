#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build kernel trees from the Debian base and the series in this repository.
#
#   tree.sh src [base]  build/src: the tree the bed builds (series, or base,
#                       and the bed's test-only patches on top)
#   tree.sh dev         build/linux: the editable tree (make tree)
#   tree.sh apply       only check that the series applies (build/apply)
#
# build/linux is a git repository whose first commit, tagged "base", is the
# unmodified Debian source. The series is applied in the worktree build/apply,
# one commit per patch in patches/series. For 6.12 a patch holds its changes
# to files of the base, plus the files it adds (patches/added-files names
# them, the copies at their kernel paths in this repository hold them); for
# 7.3 (KERNEL=7.3, mainline/patches/) each patch is whole and goes in with
# git am, and every path here is under build/7.3/. build/src is then moved
# to the result, so only files that changed since the last run get new
# timestamps and kernel builds stay incremental.

. "$(dirname "$0")/lib.sh"

REPO=$BUILD/linux
OVERLAY_ROOTS="arch Documentation drivers include lib scripts tools"

ensure_base() {
	local ver dir
	ver=$(base_version)
	[ -n "$ver" ] || die "$BASE_PKG is not installed (run: testbed/deps.sh)"
	if [ "$ver" != "$BASE_MADE_ON" ]; then
		step "WARNING: installed $BASE_PKG is $ver, the series was made on $BASE_MADE_ON"
	fi
	if [ -d "$REPO/.git" ]; then
		local have
		have=$(git -C "$REPO" config testbed.baseversion || true)
		[ "$have" = "$ver" ] && return 0
		[ "${FORCE:-}" = 1 ] ||
			die "$REPO was made from $BASE_PKG $have, installed is $ver; rerun with FORCE=1 to recreate it (local work there is lost)"
		rm -rf "$REPO" "$BUILD/apply" "$BUILD/src"
	fi
	dir=$BUILD/base/$ver
	if [ ! -f "$dir/.extracted" ]; then
		step "extracting $BASE_TARBALL ($ver)"
		rm -rf "$dir" && mkdir -p "$dir"
		tar -C "$dir" -xJf "$BASE_TARBALL" --strip-components=1
		touch "$dir/.extracted"
	fi
	step "creating the git tree $REPO from the base"
	rm -rf "$REPO"
	cp -a "$dir" "$REPO"
	rm -f "$REPO/.extracted"
	(
		cd "$REPO"
		git init -q -b base-only
		git config user.name "testbed"
		git config user.email "testbed@localhost"
		git config testbed.baseversion "$ver"
		git config gc.auto 0
		git add -A -f
		git commit -q -m "Debian $BASE_PKG $ver"
		git tag base
	)
}

# Debian's .gitignore ignores every top-level path ("/*"), which would hide
# new files from git in the editable tree; drop that rule from the working
# copy only.
unhide_new_files() {
	sed -i '/^\/\*$/d; /^!\/debian\/$/d' "$1/.gitignore"
	git -C "$1" update-index --skip-worktree .gitignore
}

# Print the commit of the series applied to the base. With "base", apply
# only the patches listed in $BASE_PATCH_LIST (6.12's own selftests do not
# compile without the first one), or in the file $BASE_PATCHES names, and
# none of the added files.
series_commit() {
	local apply=$BUILD/apply p n=0 list=$PATCHES/series
	[ "${1:-}" = base ] && list=${BASE_PATCHES:-$BASE_PATCH_LIST}
	if [ ! -e "$apply/.git" ]; then
		git -C "$REPO" worktree prune
		git -C "$REPO" worktree add -q --detach "$apply" base
	fi
	git -C "$apply" checkout -q -f --detach base
	git -C "$apply" clean -q -fdx
	[ -f "$list" ] || die "no $list"
	while read -r p; do
		case $p in '' | '#'*) continue ;; esac
		n=$((n + 1))
		if [ "$PATCH_FORMAT" = whole ]; then
			apply_whole "$apply" "$PATCHES/$p"
		else
			apply_split "$apply" "$p" "${1:-}"
		fi
	done <"$list"
	step "series: $n patches applied${1:+ (base only: ${list#"$TOP"/})}"
	git -C "$apply" rev-parse HEAD
}

# bed_commit REV: the commit of the bed's test-only patches ($BED_PATCH_LIST,
# whole git format-patch files next to it) applied on top of REV, which
# build/apply holds; build/apply is then put back on REV, so that what it
# holds stays the series (make series-check reads it). The patches belong
# to the bed, not to the series: only the trees the bed builds and boots
# get them.
bed_commit() {
	local apply=$BUILD/apply p n=0 rev
	if [ -z "$BED_PATCH_LIST" ]; then
		echo "$1"
		return
	fi
	while read -r p; do
		case $p in '' | '#'*) continue ;; esac
		n=$((n + 1))
		apply_whole "$apply" "$(dirname "$BED_PATCH_LIST")/$p"
	done <"$BED_PATCH_LIST"
	step "test-only bed patches: $n applied (${BED_PATCH_LIST#"$TOP"/})"
	rev=$(git -C "$apply" rev-parse HEAD)
	git -C "$apply" checkout -q -f --detach "$1"
	echo "$rev"
}

# apply_whole TREE PATCH: a git format-patch file, as a maintainer applies it;
# committed by the bed at the author's date, so that the same series always
# gives the same commits.
apply_whole() {
	[ -f "$2" ] || die "no patch $2"
	git -C "$1" -c user.name=testbed -c user.email=testbed@localhost \
		am -q --committer-date-is-author-date --whitespace=nowarn "$2" >&2 ||
		{ git -C "$1" am --abort 2>/dev/null; die "${2#"$TOP"/} does not apply to $BASE_PKG $(base_version)"; }
}

# apply_split TREE PATCH [base]: one patch of the 6.12 layout: its changes to
# files of the base, plus the files it adds as this repository holds them.
apply_split() {
	local apply=$1 p=$2 tmp=$BUILD/apply-msg f
	mkdir -p "$tmp"
	git mailinfo "$tmp/msg" "$tmp/diff" <"$PATCHES/$p" >"$tmp/info" ||
		die "patches/$p is not a patch"
	if [ -s "$tmp/diff" ]; then
		git -C "$apply" apply --index --whitespace=nowarn "$tmp/diff" ||
			die "patches/$p does not apply to $BASE_PKG $(base_version)"
	fi
	if [ "${3:-}" != base ] && [ -f "$PATCHES/added-files" ]; then
		awk -v p="$p" '$1 == p { print $2 }' "$PATCHES/added-files" |
			while read -r f; do
				[ -f "$TOP/$f" ] || die "patches/added-files: $f is missing"
				install -D -m "$(stat -c %a "$TOP/$f")" "$TOP/$f" "$apply/$f"
				git -C "$apply" add -f "$f"
			done
	fi
	{
		sed -n 's/^Subject: //p' "$tmp/info"
		echo
		cat "$tmp/msg"
	} >"$tmp/message"
	GIT_AUTHOR_NAME=$(sed -n 's/^Author: //p' "$tmp/info") \
	GIT_AUTHOR_EMAIL=$(sed -n 's/^Email: //p' "$tmp/info") \
	GIT_AUTHOR_DATE=$(sed -n 's/^Date: //p' "$tmp/info") \
	GIT_COMMITTER_NAME=$(sed -n 's/^Author: //p' "$tmp/info") \
	GIT_COMMITTER_EMAIL=$(sed -n 's/^Email: //p' "$tmp/info") \
	GIT_COMMITTER_DATE=$(sed -n 's/^Date: //p' "$tmp/info") \
		git -C "$apply" commit -q --allow-empty --cleanup=verbatim -F "$tmp/message"
}

checkout_src() {
	local rev=$1 src=$BUILD/src
	if [ ! -e "$src/.git" ]; then
		git -C "$REPO" worktree prune
		git -C "$REPO" worktree add -q --detach "$src" "$rev"
	fi
	git -C "$src" checkout -q -f --detach "$rev"
	git -C "$src" clean -q -fdx
}

ensure_base
case ${1:-src} in
src)
	if [ "${2:-}" = base ]; then
		list=${BASE_PATCHES:-$BASE_PATCH_LIST}
		step "build/src: the base kernel with only the patches in ${list#"$TOP"/}"
		rev=$(series_commit base)
	else
		rev=$(series_commit)
	fi
	rev=$(bed_commit "$rev")
	checkout_src "$rev"
	;;
dev)
	rev=$(series_commit)
	cd "$REPO"
	if [ "$(git rev-parse HEAD)" = "$(git rev-parse base)" ] ||
	   [ "${FORCE:-}" = 1 ]; then
		git checkout -q -f -B work "$rev"
		unhide_new_files "$REPO"
	elif [ "$(git rev-parse 'HEAD^{tree}')" != "$(git rev-parse "$rev^{tree}")" ] ||
	     ! git diff --quiet HEAD; then
		die "build/linux differs from the series in this repository: run 'make export' to keep its changes, or 'make tree FORCE=1' to discard them"
	fi
	step "editable tree: $REPO (branch work; commits after tag 'base' are the series)"
	;;
apply)
	# The bed's test-only patches must apply to the base and to the
	# series; build/apply is left at the series alone
	if [ -n "$BED_PATCH_LIST" ]; then
		rev=$(series_commit base)
		bed_commit "$rev" >/dev/null
	fi
	rev=$(series_commit)
	bed_commit "$rev" >/dev/null
	;;
*) die "usage: tree.sh src [base] | dev | apply" ;;
esac
