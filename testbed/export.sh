#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Turn the commits of build/linux (after tag "base") back into this
# repository: files the series adds go to their kernel paths, changes to
# files of the base become patches/NNNN-*.patch, one per commit, listed in
# patches/series. Commit your edits in build/linux first.

. "$(dirname "$0")/lib.sh"

REPO=$BUILD/linux
OVERLAY_ROOTS="arch Documentation drivers include lib scripts tools"

[ -d "$REPO/.git" ] || die "no $REPO: run 'make tree' first"
cd "$REPO"
git diff --quiet HEAD && git diff --cached --quiet ||
	die "build/linux has uncommitted changes: commit them (a new commit is a new patch; 'git commit --fixup' and 'git rebase -i --autosquash base' amend one)"
[ -z "$(git ls-files --others --exclude-standard)" ] ||
	die "build/linux has untracked files: git add them or remove them"

# 7.3: the series is whole format-patch files, one per commit, each with its
# own version of every file it touches.
if [ "$PATCH_FORMAT" = whole ]; then
	rm -f "$PATCHES"/*.patch
	mkdir -p "$PATCHES"
	git format-patch -q -N --no-signature --zero-commit --full-index \
		-o "$PATCHES" base..HEAD
	(cd "$PATCHES" && ls -- *.patch) >"$PATCHES/series"
	step "exported $(wc -l <"$PATCHES/series") patches to ${PATCHES#"$TOP"/}"
	exit 0
fi

# Files the series adds: copy them over, and remove those the series
# added before (patches/added-files) but adds no longer. Nothing else under
# the kernel paths here is touched.
added=$(git diff --name-only --no-renames --diff-filter=A base HEAD)
for f in $added; do
	install -D -m "$(stat -c %a "$f")" "$f" "$TOP/$f"
done
if [ -f "$TOP/patches/added-files" ]; then
	awk '{ print $2 }' "$TOP/patches/added-files" | while read -r f; do
		grep -qxF "$f" <<<"$added" || { rm -f "${TOP:?}/$f"; echo "  removed $f"; }
	done
fi

# One patch per commit with its changes to files of the base; the files a
# commit adds are listed against it in patches/added-files, in their final
# version.
rm -rf "$TOP/patches"
mkdir -p "$TOP/patches"
: >"$TOP/patches/series"
: >"$TOP/patches/added-files"
n=0
for c in $(git rev-list --reverse base..HEAD); do
	n=$((n + 1))
	name=$(printf '%04d-%s.patch' "$n" "$(git log -1 --format=%f "$c" | cut -c1-52)")
	mapfile -t files < <(git diff-tree --no-commit-id --no-renames --name-only -r "$c" |
		while read -r f; do git cat-file -e "base:$f" 2>/dev/null && echo "$f"; done)
	if [ ${#files[@]} -gt 0 ]; then
		git format-patch -1 --stdout --no-signature --zero-commit --full-index "$c" -- "${files[@]}"
	else
		# Only added files: the message alone
		git log -1 --format='From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001%nFrom: %an <%ae>%nDate: %aD%nSubject: [PATCH] %s%n%n%b' "$c"
	fi >"$TOP/patches/$name"
	echo "$name" >>"$TOP/patches/series"
	git diff-tree --no-commit-id --no-renames --name-only --diff-filter=A -r "$c" |
		while read -r f; do
			git cat-file -e "base:$f" 2>/dev/null && continue
			grep -qxF "$f" <<<"$added" && printf '%s %s\n' "$name" "$f"
		done >>"$TOP/patches/added-files"
done
step "exported $n patches and $(wc -w <<<"$added") added files"
