#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Self-test of results.py: a good log passes; every kind of breakage in a
# copy of it fails, and the output names what broke.

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export EXPECT=$here/expect BUILD=$tmp
mkdir -p "$tmp/results"
fail=0

# case NAME WANT_RC WANT_TEXT SED_SCRIPT
case_() {
	local name=$1 want=$2 text=$3 rc=0 out
	sed -e "$4" "$here/good-x86_64.log" >"$tmp/results/t-x86_64.log"
	out=$(python3 "$here/../results.py" t x86_64 2>&1) || rc=$?
	if [ "$rc" -ne "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
		echo "results self-test '$name': want rc $want and '$text', got rc $rc:"
		echo "$out"
		fail=1
	else
		echo "  ok: $name"
	fi
}

case_ "good log passes" 0 "Verdict: PASS" ''
case_ "skips are reported" 0 "skipped iommufd.hugepages: no huge pages" ''
case_ "failed kselftest case is named" 1 "FAILED iommufd.cmd_length" 's/^ok 2 iommufd.cmd_length/not ok 2 iommufd.cmd_length/'
case_ "failed kunit case is named" 1 "FAILED usercopy_test_check_nonzero_user" 's/    ok 1 usercopy_test_check_nonzero_user/    not ok 1 usercopy_test_check_nonzero_user/'
case_ "crashed kselftest" 1 "iommufd: did not finish" '/TESTBED-END iommufd rc=0/,$d'
case_ "missing case" 1 "ran 2 of 3" '/^ok 2 iommufd.cmd_length/d'
case_ "non-zero exit" 1 "exit code 1" 's/TESTBED-END iommufd rc=0/TESTBED-END iommufd rc=1/'
case_ "missing suite" 1 "kselftest iommufd_fail_nth: missing" '/TESTBED-BEGIN iommufd_fail_nth/,/TESTBED-END iommufd_fail_nth/d'
case_ "IOMMU not probed" 1 "IOMMU not probed" '/Using Queued invalidation/d'
case_ "kernel warning" 1 "kernel warning" 's/^TESTBED-DMESG-END/[    9.0] WARNING: CPU: 0 PID: 1 at foo.c:1\nTESTBED-DMESG-END/'
case_ "guest did not finish" 1 "guest did not finish" '/TESTBED-DONE/d'
exit $fail
