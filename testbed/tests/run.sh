#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Self-test of results.py and bench.py: good logs pass; every kind of
# breakage in a copy of them fails, and the output names what broke.

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export EXPECT=$here/expect BUILD=$tmp
mkdir -p "$tmp/results"
fail=0

# judge TOOL NAME WANT_RC WANT_TEXT RC OUTPUT: one self-test's verdict
judge() {
	if [ "$5" -ne "$3" ] || ! grep -qF -- "$4" <<<"$6"; then
		echo "$1 self-test '$2': want rc $3 and '$4', got rc $5:"
		echo "$6"
		fail=1
	else
		echo "  ok: $1: $2"
	fi
}

# case NAME WANT_RC WANT_TEXT SED_SCRIPT
case_() {
	local rc=0 out
	sed -e "$4" "$here/good-x86_64.log" >"$tmp/results/t-x86_64.log"
	out=$(python3 "$here/../results.py" t x86_64 2>&1) || rc=$?
	judge results "$1" "$2" "$3" "$rc" "$out"
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

# arm NAME WANT_RC WANT_TEXT LOG_SED TRACE_SED: the arm64 guest's suite
# that must not skip, and the host's check of the SMMU's trace
arm() {
	local rc=0 out
	sed -e "$4" "$here/good-arm64.log" >"$tmp/results/t-arm64.log"
	if [ "$5" = rm ]; then
		rm -f "$tmp/results/t-arm64.smmu-trace"
	else
		sed -e "$5" "$here/good-arm64.smmu-trace" >"$tmp/results/t-arm64.smmu-trace"
	fi
	out=$(python3 "$here/../results.py" t arm64 2>&1) || rc=$?
	judge results "$1" "$2" "$3" "$rc" "$out"
}

arm "good arm64 log and trace pass" 0 "| trace: smmuv3-cmdq | 20 pass, 0 fail, 0 skip |" '' ''
arm "a skip on the nesting SMMU fails" 1 "1 skipped, which this guest must run: no vfio" \
	's/^ok 2 smmu_nested.ste_configs$/ok 2 smmu_nested.ste_configs # SKIP no vfio/' ''
arm "nesting only by the unsafe switch is said so" 0 \
	"| nesting the guest can drive | yes, only because of arm_smmu_v3.unsafe_nesting_without_s2fwb=1 (unsafe): SMMUv3 stage 1 + stage 2, no S2FWB" \
	's/^TESTBED-DMESG-BEGIN$/&\n[    0.5] arm-smmu-v3 9050000.smmuv3: nesting without S2FWB allowed by arm_smmu_v3.unsafe_nesting_without_s2fwb: unsafe, test only/' ''
arm "without S2FWB nor the switch, no nesting is said" 0 \
	"| nesting the guest can drive | no (the SMMU has stage 1 + stage 2, but neither S2FWB" '' ''
arm "an SMMU without NESTING fails" 1 "not probed with NESTING" 's/features 0x00088705/features 0x00008705/' ''
arm "no trace fails" 1 "no trace" '' rm
arm "a command changed on the way fails" 1 "case 1: linear array" '' 's/asid=257 vmid=1/asid=258 vmid=1/'
arm "the guest's VMID reaching the SMMU fails" 1 "executed TLBI_NH_ALL {'vmid': 119}" '' '0,/smmuv3_cmdq_tlbi_nh vmid=1/s//smmuv3_cmdq_tlbi_nh vmid=119/'
arm "a command past the rejected one fails" 1 "3 commands executed, 2 expected" '' \
	'/asid=768 addr=0x40001000 /a smmuv3_cmdq_opcode <--- SMMU_CMD_TLBI_NH_VA\nsmmuv3_range_inval vmid=1 asid=768 addr=0x40003000 tg=0 num_pages=0x1 ttl=0 leaf=1 stage=1'
arm "a lost marker fails" 1 "case 3: ring: its markers are not in the trace" '' "/asid=$((0xf000 | 7))\$/d"
arm "GERROR fails" 1 "smmuv3_write_gerror" '' '$a smmuv3_write_gerror toggled=0x1, new GERROR=0x1'
arm "hw_info that is not the hardware's fails" 1 "IDR3 hw_info 0x1415" 's/smmu-trace: idr 3 0x1414/smmu-trace: idr 3 0x1415/' ''
arm "an S2 unmap without TLBI_NH_ALL fails" 1 "TLBI_NH_ALL vmids []" '' \
	"/asid=$((0xf000 | 34))\$/,/asid=$((0xf000 | 35))\$/{s/SMMU_CMD_TLBI_NH_ALL/SMMU_CMD_TLBI_NSNH_ALL/}"
arm "no parent VMID fails" 1 "parent VMID from its stage-2 unmap" '' 's/SMMU_CMD_TLBI_S2_IPA/SMMU_CMD_TLBI_S2_VMALL/'

# bench NAME WANT_RC WANT_TEXT FILE SED_SCRIPT: bench.py on a copy of the
# output of one round of make bench (tests/bench/), FILE edited
bench() {
	local rc=0 out
	rm -rf "$tmp/bench" && cp -r "$here/bench" "$tmp/bench"
	sed -i -e "$5" "$tmp/bench/$4"
	out=$(python3 "$here/../bench.py" "$tmp/bench" 1 icount 2>&1) || rc=$?
	judge bench "$1" "$2" "$3" "$rc" "$out"
}

bench "good round" 0 "| linear | 1 | 1035 | 1046 | 1.01 | 1.01 | 1.01 |" base-1.log ''
bench "goal met" 0 "| linear, 1 entry: series within 5% of base | 1.01 | met |" base-1.log ''
bench "goal missed" 0 "goals missed: linear, 1 entry" series-1.log 's/entries=1 calls=43008 ns_per_call=1046 ns_per_entry=1046.00/entries=1 calls=43008 ns_per_call=1099 ns_per_entry=1099.00/'
bench "function counts" 0 "| total | **637** | **646** | **597** | **656** |" base-1.log ''
bench "benchmark failed" 1 "the benchmark failed" series-1.log 's/rc=0/rc=1/'
bench "case missing" 1 "missing from a run" base-1.log '/case=linear entries=16 /d'
bench "trace without total" 1 "no total" trace-series-48.txt '/^trace total/d'
bench "guest bursts" 0 "| SMMUv3 | ring per doorbell | 1 | 6400 | 1 | 1712 | 1 | 1420 | 1 | 1401 |" series-arm64.log ''
bench "ring against one command per ioctl" 0 "| SMMUv3, 4096 commands: ring at most 0.1 x one command per ioctl | 0.16 | MISSED |" series-arm64.log ''
bench "one ioctl per doorbell" 0 "| mock: one ioctl per doorbell, every burst | 1.00 | met |" series-arm64.log ''
bench "two ioctls for a doorbell" 0 "| SMMUv3: one ioctl per doorbell, every burst | 2.00 | MISSED |" series-arm64.log 's/way=per_doorbell burst=256 ioctls=1/way=per_doorbell burst=256 ioctls=2/'
bench "ring of 4096 against linear" 0 "| mock, 4096 commands: ring at most 1.05 x linear per CMD_SYNC | 0.67 | met |" series-1.log ''
bench "forward_bursts failed" 1 "forward_bursts did not pass" series-arm64.log 's/^ok 1 smmu_nested.forward_bursts/not ok 1 smmu_nested.forward_bursts/'
bench "a burst missing on the SMMU" 1 "per_sync of 4096 missing from the arm64 guest" series-arm64.log '/way=per_sync burst=4096 /d'
bench "an empty arm64 console" 1 "forward_bursts did not pass" series-arm64.log 'd'
bench "mock burst ioctls missing" 1 "vmm_per_doorbell of 16: no numbers" series-1.log 's/case=vmm_per_doorbell entries=16 .*/case=vmm_per_doorbell entries=16 unsupported/'
bench "no callgrind counts" 1 "no callgrind lines" callgrind.txt 'd'
# bench73 NAME WANT_RC WANT_TEXT FILE SED_SCRIPT [FROM]: bench.py --kernel
# 7.3 on a copy of the first round of make bench KERNEL=7.3
# (tests/bench-7.3/), FILE edited; FROM (under tests/) is copied to FILE
# first (the SMMUv3 bursts' console)
bench73() {
	local rc=0 out
	rm -rf "$tmp/bench73" && cp -r "$here/bench-7.3" "$tmp/bench73"
	[ -z "${6:-}" ] || cp "$here/$6" "$tmp/bench73/$4"
	sed -i -e "$5" "$tmp/bench73/$4"
	out=$(python3 "$here/../bench.py" --kernel 7.3 "$tmp/bench73" 1 icount 2>&1) || rc=$?
	judge bench73 "$1" "$2" "$3" "$rc" "$out"
}

smmu_skip='/vmm_bench/d; s/^ok 1 smmu_nested.forward_bursts$/& # SKIP IOMMU_VIOMMU_ALLOC: Operation not supported/'
bench73 "good round" 0 "| x86_64 | linear | 4096 | 90.27 | 55.65 | 0.62 | 0.62 | 0.62 |" base-x86_64-1.log ''
bench73 "goal per call" 0 "| arm64, linear, 1 entry: series at most 1.00 x 7.3 per call | 1.16 | MISSED |" base-arm64-1.log ''
bench73 "goal met" 0 "| x86_64, linear, 4096 entries: series at most 0.5 x 7.3 per entry | 0.44 | met |" series-x86_64-1.log 's/case=linear entries=4096 calls=336 ns_per_call=227930 ns_per_entry=55.65/case=linear entries=4096 calls=336 ns_per_call=163840 ns_per_entry=40.00/'
bench73 "no ring mode on 7.3" 0 "| x86_64, mock | 7.3 | ring per doorbell | not available (no ring mode) | - |" base-x86_64-1.log ''
bench73 "no ring mode on the series" 1 "the series has no ring mode" series-arm64-1.log 's/case=vmm_per_doorbell entries=16 .*/case=vmm_per_doorbell entries=16 unsupported/'
bench73 "SMMUv3 without its selftest" 0 "| arm64, SMMUv3 vIOMMU | 7.3, series | every way | not measured: the 7.3 series has no iommufd_smmu_nested" base-x86_64-1.log ''
bench73 "SMMUv3 without a vIOMMU" 0 "not measured: IOMMU_VIOMMU_ALLOC: Operation not supported |" series-arm64-smmu.log "$smmu_skip" bench/series-arm64.log
bench73 "SMMUv3 bursts" 0 "| arm64, SMMUv3 vIOMMU | series | ring per doorbell | 1 | 6400 | 1 | 1712 | 1 | 1420 | 1 | 1401 |" series-arm64-smmu.log '' bench/series-arm64.log
bench73 "SMMUv3 bursts failed" 1 "forward_bursts did not pass" series-arm64-smmu.log 's/^ok 1 smmu_nested.forward_bursts/not ok 1 smmu_nested.forward_bursts/' bench/series-arm64.log
bench73 "benchmark failed" 1 "the benchmark failed" series-arm64-1.log 's/iommufd_inval_bench rc=0/iommufd_inval_bench rc=1/'
bench73 "allocation count failed" 1 "the allocation count did not finish" base-arm64-1.log 's/zz_allocs rc=0/zz_allocs rc=1/'
bench73 "a count missing" 1 "no allocation count of viommu, 256 entries" base-x86_64-1.log '/target=viommu entries=256 /d'
bench73 "a counter that counts nothing" 1 "failslab counted no allocation" series-x86_64-1.log 's/target=ioas_alloc entries=0 calls=1 slab=1/target=ioas_alloc entries=0 calls=1 slab=0/'
bench73 "7.3 allocates" 0 "| x86_64 | 7.3 | vIOMMU, 4096 entries | 10000 | 0 | 16 | 0 |" base-x86_64-1.log ''
bench73 "an allocation on the series" 0 "| arm64, series, nested HWPT, 4096 entries: no slab allocation and under 0.01 page per call, slab + pages per call | 1.00 | MISSED |" series-arm64-1.log 's/target=nested_hwpt entries=4096 calls=10000 slab=0/target=nested_hwpt entries=4096 calls=10000 slab=10000/'
exit $fail
