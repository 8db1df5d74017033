#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Write the series as a maintainer receives it: build/series/, a git
# format-patch series with a cover letter, which must git am onto a fresh
# tree of the base.

. "$(dirname "$0")/lib.sh"

"$TESTBED/tree.sh" apply
out=$BUILD/series
rm -rf "$out"
git -C "$BUILD/apply" format-patch -q --cover-letter --no-signature \
	--base=base -o "$out" base..HEAD
cover=$(ls "$out"/0000-cover-letter.patch)
python3 - "$cover" "$COVER_LETTER" <<'PY'
import sys
cover, text = sys.argv[1], open(sys.argv[2]).read()
subject, body = text.split('\n', 1)
s = open(cover).read()
s = s.replace('*** SUBJECT HERE ***', subject.strip())
s = s.replace('*** BLURB HERE ***', body.strip())
open(cover, 'w').write(s)
PY

# The series must apply with git am onto a fresh tree of the base.
rm -rf "$BUILD/series-am"
git -C "$BUILD/linux" worktree prune
git -C "$BUILD/linux" worktree add -q --detach "$BUILD/series-am" base
# shellcheck disable=SC2046
git -C "$BUILD/series-am" -c user.name=testbed -c user.email=testbed@localhost \
	am -q $(ls "$out"/*.patch | grep -v 0000-cover-letter) ||
	die "the series does not git am onto the base"
git -C "$BUILD/series-am" diff --quiet "$(git -C "$BUILD/apply" rev-parse HEAD)" ||
	die "git am of build/series/ gives a different tree from the series"
git -C "$BUILD/linux" worktree remove --force "$BUILD/series-am"
step "build/series/: $(ls "$out" | grep -vc 0000-cover-letter) patches and a cover letter; git am onto the base: OK"
