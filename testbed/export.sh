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

# Files the series adds: copy them over, and remove the ones this
# repository tracks that the series no longer adds. Untracked files under
# the kernel paths here are left alone.
added=$(git diff --name-only --no-renames --diff-filter=A base HEAD)
for f in $added; do
	install -D -m "$(stat -c %a "$f")" "$f" "$TOP/$f"
done
# shellcheck disable=SC2086
git -C "$TOP" ls-files -- $OVERLAY_ROOTS | while read -r f; do
	grep -qxF "$f" <<<"$added" || { rm -f "${TOP:?}/$f"; echo "  removed $f"; }
done

# Changes to files of the base, one patch per commit.
rm -rf "$TOP/patches"
mkdir -p "$TOP/patches"
n=0
for c in $(git rev-list --reverse base..HEAD); do
	mapfile -t files < <(git diff-tree --no-commit-id --no-renames --name-only -r "$c" |
		while read -r f; do git cat-file -e "base:$f" 2>/dev/null && echo "$f"; done)
	[ ${#files[@]} -gt 0 ] || continue
	n=$((n + 1))
	name=$(printf '%04d-%s.patch' "$n" "$(git log -1 --format=%f "$c" | cut -c1-52)")
	git format-patch -1 --stdout --no-signature --zero-commit --full-index "$c" -- "${files[@]}" \
		>"$TOP/patches/$name"
	echo "$name" >>"$TOP/patches/series"
done
step "exported $n patches and $(wc -w <<<"$added") added files"
