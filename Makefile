# SPDX-License-Identifier: GPL-2.0
# The two commands: 'make run' (the test matrix) and 'make test' (the fast
# tier, the patch-by-patch builds, the matrix and the other configs). See
# README.md.

SHELL := /bin/bash
.PHONY: run test check series-check bench modular tree export series clean help

help:
	@sed -n '/^## Commands/,/^## Results/p' README.md | sed '$$d'

run:
	$(if $(ARCHES),ARCHES="$(ARCHES)") testbed/run.sh $(if $(BASE),base,series)

test: check series-check
	$(if $(ARCHES),ARCHES="$(ARCHES)") testbed/run.sh series
	$(if $(ARCHES),ARCHES="$(ARCHES)") testbed/modular.sh

check:
	testbed/check.sh

series-check:
	testbed/series-check.sh

bench:
	testbed/bench.sh

modular:
	testbed/modular.sh

tree:
	testbed/tree.sh dev

export:
	testbed/export.sh

series:
	testbed/series.sh

clean:
	rm -rf build/src build/apply build/kbuild build/selftests build/initramfs build/results
	git -C build/linux worktree prune 2>/dev/null || true
