#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build kernel trees from the Debian base and the series in this repository.
#
#   tree.sh src [base]  build/src: the tree the bed builds (series, or base)
#   tree.sh dev         build/linux: the editable tree (make tree)
#   tree.sh apply       only check that the series applies (build/apply)
#
# build/linux is a git repository whose first commit, tagged "base", is the
# unmodified Debian source. The series is applied in the worktree build/apply
# (patches/ in series order with git am, then the files the series adds), and
# build/src is moved to the result, so only files that changed since the last
# run get new timestamps and kernel builds stay incremental.

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
# only the patches listed in testbed/base-patches (the base's own selftests
# do not compile without the first one) and none of the added files.
series_commit() {
	local apply=$BUILD/apply p n=0 root list=$TOP/patches/series
	[ "${1:-}" = base ] && list=$TESTBED/base-patches
	if [ ! -e "$apply/.git" ]; then
		git -C "$REPO" worktree prune
		git -C "$REPO" worktree add -q --detach "$apply" base
	fi
	git -C "$apply" checkout -q -f --detach base
	git -C "$apply" clean -q -fdx
	if [ -f "$list" ]; then
		while read -r p; do
			case $p in '' | '#'*) continue ;; esac
			n=$((n + 1))
			git -C "$apply" -c user.name=testbed -c user.email=testbed@localhost \
				am -q --committer-date-is-author-date "$TOP/patches/$p" >&2 ||
				{
					git -C "$apply" am --abort >/dev/null 2>&1 || true
					die "patches/$p does not apply to $BASE_PKG $(base_version)"
				}
		done <"$list"
	fi
	for root in $OVERLAY_ROOTS; do
		[ "${1:-}" = base ] && break
		[ -d "$TOP/$root" ] && cp -a "$TOP/$root" "$apply/"
	done
	git -C "$apply" add -A -f
	if ! git -C "$apply" diff --cached --quiet; then
		GIT_AUTHOR_DATE="2000-01-01T00:00:00Z" GIT_COMMITTER_DATE="2000-01-01T00:00:00Z" \
			git -C "$apply" -c user.name=testbed -c user.email=testbed@localhost \
			commit -q -m "Files added by the series"
	fi
	step "series: $n patches applied${1:+ (base)}"
	git -C "$apply" rev-parse HEAD
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
		step "build/src: the base kernel with only the patches in testbed/base-patches"
		rev=$(series_commit base)
		checkout_src "$rev"
	else
		rev=$(series_commit)
		checkout_src "$rev"
	fi
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
	series_commit >/dev/null
	;;
*) die "usage: tree.sh src [base] | dev | apply" ;;
esac
