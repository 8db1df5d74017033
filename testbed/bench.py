#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn make bench's guest logs and callgrind counts into one table.

Usage: bench.py [--kernel 7.3] OUTDIR ROUNDS CLOCK [--readme README.md]

OUTDIR holds base-<r>.log and series-<r>.log (the guests' consoles, with the
lines of iommufd_inval_bench), series-arm64.log (the arm64 guest's console,
with the "vmm_bench" lines of iommufd_smmu_nested's forward_bursts) and
callgrind.txt. The table goes to stdout and
OUTDIR/table.md; with --readme it also replaces the text between the
<!-- bench:begin --> and <!-- bench:end --> markers of README.md. CLOCK is
how the guests ran: icount (the guest's clock counts its instructions) or
host (the wall clock of the emulation).

With --kernel 7.3 OUTDIR holds instead <flavour>-<arch>-<r>.log for the
flavours base (the unmodified 7.3) and series and the arches x86_64 and
arm64 (round 1 with the "inval_allocs" lines of the allocation count), and
series-arm64-smmu.log or smmu-not-measured (why the SMMUv3 bursts were not
run); the table goes into mainline/README.md's bench markers.
"""

import re
import statistics
import sys
from pathlib import Path

LINE = re.compile(r"^inval_bench case=(\S+) entries=(\d+) (.*)$")
FIELD = re.compile(r"(\w+)=(\S+)")
SIZES = (1, 16, 256, 4096)


def fail(msg):
    print(f"bench: error: {msg}", file=sys.stderr)
    sys.exit(1)


def parse_guest(path):
    """{(case, entries): {"call": ns, "entry": ns} or None if unsupported}"""
    if not path.exists():
        fail(f"{path} is missing")
    return parse_cases(path, path.read_text(errors="replace"))


def parse_cases(path, text):
    """The inval_bench lines of a guest's console, as parse_guest"""
    end = re.search(r"TESTBED-BENCH-END iommufd_inval_bench rc=(\d+)", text)
    if not end:
        fail(f"{path}: the benchmark did not finish")
    if end.group(1) != "0":
        fail(f"{path}: the benchmark failed (rc={end.group(1)})")
    cases = {}
    for raw in text.splitlines():
        m = LINE.match(raw.strip())
        if not m:
            continue
        key = (m.group(1), int(m.group(2)))
        if m.group(3).strip() == "unsupported":
            cases[key] = None
            continue
        f = dict(FIELD.findall(m.group(3)))
        cases[key] = {"call": float(f["ns_per_call"]),
                      "entry": float(f["ns_per_entry"]),
                      "ioctls": int(f.get("ioctls", 0))}
    return cases


SMMU_LINE = re.compile(r"^# vmm_bench way=(\w+) burst=(\d+) ioctls=(\d+) "
                       r"ns_per_cmd=(\S+)$")


def parse_smmu(path):
    """{(way, burst): (ioctls, ns per command)} from the arm64 guest"""
    if not path.exists():
        fail(f"{path} is missing")
    text = path.read_text(errors="replace")
    if not re.search(r"^ok \d+ smmu_nested\.forward_bursts$", text, re.M):
        fail(f"{path}: forward_bursts did not pass")
    got = {}
    for raw in text.splitlines():
        m = SMMU_LINE.match(raw.strip())
        if m:
            got[(m.group(1), int(m.group(2)))] = (int(m.group(3)),
                                                  float(m.group(4)))
    return got


def series_of(runs, key, what):
    vals = []
    for r in runs:
        if key not in r:
            fail(f"case {key} missing from a run")
        if r[key] is None:
            return None
        vals.append(r[key][what])
    return vals


def fmt(x):
    return "-" if x is None else (f"{x:.0f}" if x >= 100 else f"{x:.2f}")


def trace_rows(traces):
    """One row per kernel function, the largest differences first"""
    cols = [("base", 48), ("series", 48), ("base", 32), ("series", 32)]
    fns = {f for t in traces.values() for f in t if f is not None}

    def spread(f):
        vals = [traces[c].get(f, 0) for c in cols]
        return (-(max(vals) - min(vals)), -max(vals), f)

    rows = []
    for f in sorted(fns, key=spread):
        cells = " | ".join(str(traces[c].get(f, "-")) for c in cols)
        rows.append(f"| `{f}` | {cells} |")
    totals = " | ".join(f"**{traces[c][None]}**" for c in cols)
    rows.append(f"| total | {totals} |")
    return rows


def main():
    args = sys.argv[1:]
    readme = None
    kernel = "6.12"
    if "--readme" in args:
        i = args.index("--readme")
        readme = Path(args[i + 1])
        del args[i:i + 2]
    if "--kernel" in args:
        i = args.index("--kernel")
        kernel = args[i + 1]
        del args[i:i + 2]
    if len(args) != 3 or args[2] not in ("icount", "host") or \
            kernel not in ("6.12", "7.3"):
        fail(__doc__.strip().splitlines()[2])
    out, rounds, clock = Path(args[0]), int(args[1]), args[2]
    if kernel != "6.12":
        main_mainline(out, rounds, clock, readme)
        return
    base = [parse_guest(out / f"base-{r}.log") for r in range(1, rounds + 1)]
    series = [parse_guest(out / f"series-{r}.log") for r in range(1, rounds + 1)]

    rows = []
    ratio = {}

    def row(label, bkey, skey, n):
        what = "entry" if n else "call"
        b = series_of(base, bkey, what)
        s = series_of(series, skey, what)
        if b is None or s is None:
            fail(f"{label}: no numbers ({bkey} on base, {skey} on series)")
        per_round = [y / x for x, y in zip(b, s)]
        med = statistics.median(s) / statistics.median(b)
        ratio[(label, n)] = med
        rows.append(f"| {label} | {n} | {fmt(statistics.median(b))} | "
                    f"{fmt(statistics.median(s))} | {med:.2f} | "
                    f"{min(per_round):.2f} | {max(per_round):.2f} |")

    per_call = "instructions" if clock == "icount" else "ns"
    row(f"ioctl only (entry_num = 0), {per_call} per call", ("ioctl", 0),
        ("ioctl", 0), 0)
    for n in SIZES:
        row("linear", ("linear", n), ("linear", n), n)
    for n in SIZES:
        row("linear, the 6.12 command (32 bytes)", ("linear_v1", n),
            ("linear_v1", n), n)
    for n in SIZES:
        row("wrapped ring: base two linear calls, series one ring call",
            ("split", n), ("ring", n), n)
    for n in SIZES:
        row("wrapped ring as two linear calls on both", ("split", n),
            ("split", n), n)

    # The series' own ring against its own linear calls
    s_ring = statistics.median(series_of(series, ("ring", 4096), "entry"))
    s_lin = statistics.median(series_of(series, ("linear", 4096), "entry"))

    goals = [
        ("linear, 4096 entries: series at most 0.5 x base per entry",
         ratio[("linear", 4096)], ratio[("linear", 4096)] <= 0.5),
        ("wrapped ring of 4096 within 10% of 4096 linear entries (series)",
         s_ring / s_lin, s_ring / s_lin <= 1.10),
        ("linear, 1 entry: series within 5% of base",
         ratio[("linear", 1)], ratio[("linear", 1)] <= 1.05),
        ("the same with the 6.12 command",
         ratio[("linear, the 6.12 command (32 bytes)", 1)],
         ratio[("linear, the 6.12 command (32 bytes)", 1)] <= 1.05),
    ]

    # A VMM forwarding a guest's bursts: the mock on the series' x86_64
    # guests, the emulated SMMUv3 on its arm64 guest
    ways = (("per command", "vmm_per_command", "per_command"),
            ("linear per CMD_SYNC", "vmm_per_sync", "per_sync"),
            ("ring per doorbell", "vmm_per_doorbell", "per_doorbell"))
    smmu = parse_smmu(out / "series-arm64.log")
    vmm = {}
    for label, mock_key, smmu_key in ways:
        for n in SIZES:
            per_cmd = series_of(series, (mock_key, n), "entry")
            if per_cmd is None:
                fail(f"{mock_key} of {n}: no numbers")
            calls = {r[(mock_key, n)]["ioctls"] for r in series}
            if len(calls) != 1:
                fail(f"{mock_key} of {n}: the ioctls differ between rounds")
            vmm[("mock", label, n)] = (calls.pop(), statistics.median(per_cmd))
            if (smmu_key, n) not in smmu:
                fail(f"{smmu_key} of {n} missing from the arm64 guest")
            vmm[("SMMUv3", label, n)] = smmu[(smmu_key, n)]
    vmm_rows = []
    for where in ("mock", "SMMUv3"):
        for label, _, _ in ways:
            cells = " | ".join(f"{vmm[(where, label, n)][0]} | "
                               f"{fmt(vmm[(where, label, n)][1])}"
                               for n in SIZES)
            vmm_rows.append(f"| {where} | {label} | {cells} |")
    for where in ("mock", "SMMUv3"):
        ring = vmm[(where, "ring per doorbell", 4096)][1]
        one = vmm[(where, "per command", 4096)][1]
        lin = vmm[(where, "linear per CMD_SYNC", 4096)][1]
        calls = {vmm[(where, "ring per doorbell", n)][0] for n in SIZES}
        goals += [
            (f"{where}: one ioctl per doorbell, every burst",
             max(calls), calls == {1}),
            (f"{where}, 4096 commands: ring at most 0.1 x one command per "
             f"ioctl", ring / one, ring / one <= 0.1),
            (f"{where}, 4096 commands: ring at most 1.05 x linear per "
             f"CMD_SYNC", ring / lin, ring / lin <= 1.05),
        ]

    traces = {}
    for flavour in ("base", "series"):
        for size in (48, 32):
            path = out / f"trace-{flavour}-{size}.txt"
            if not path.exists():
                fail(f"{path} is missing")
            fns = {}
            for raw in path.read_text().splitlines():
                m = re.match(r"trace fn=(\S+) instructions=(\d+)$", raw)
                if m:
                    fns[m.group(1)] = int(m.group(2))
                m = re.match(r"trace total=(\d+)$", raw)
                if m:
                    fns[None] = int(m.group(1))
            if None not in fns:
                fail(f"{path}: no total")
            traces[(flavour, size)] = fns

    cg = []
    cg_path = out / "callgrind.txt"
    for raw in cg_path.read_text().splitlines() if cg_path.exists() else []:
        m = re.match(r"callgrind name=(\S+)-(linear|ring) entries=(\d+) len=(\d+) "
                     r"instr_per_entry=(\S+)", raw)
        if m:
            cg.append(m.groups())
    if not cg:
        fail(f"{cg_path}: no callgrind lines")
    by = {(m, lay, int(n)): float(i) for m, lay, n, _, i in cg}

    unit = "ns" if clock == "host" else "instructions"
    if clock == "icount":
        how = ("**Measured in QEMU TCG with `-icount shift=0`: the guest's "
               "clock advances one nanosecond per guest instruction, so every "
               "number is a count of guest instructions (user space, kernel "
               "and interrupts while the call ran), the same on every boot. "
               "It weighs every instruction alike and sees no cache, so only "
               "the ratios carry over to hardware.**")
    else:
        how = ("**Times are from QEMU TCG, an emulated CPU: only the ratios "
               "mean anything, not the nanoseconds.** Boots of the same "
               "kernel differ by up to 1.8 times.")
    qemu = sorted({q.read_text().strip().replace("QEMU emulator version ", "")
                   for q in out.glob("*.qemu-version")})
    lines = [
        f"IOMMU_HWPT_INVALIDATE on the mock nested HWPT, x86_64 guests "
        f"(QEMU {', '.join(qemu) or 'version not recorded'}), "
        f"{rounds} interleaved boots of each kernel, median of 21 samples "
        f"per boot, then the median over the boots (`make bench`, "
        f"`BENCH_CLOCK={clock}`). The base "
        f"is Debian's 6.12 with the series' two test-infrastructure patches "
        f"(`testbed/bench-base-patches`), which leave the invalidation path "
        f"alone; the base has no ring mode, so its wrapped ring is the two "
        f"linear calls a VMM must make. The same binary runs on both kernels "
        f"and passes the command of the series' uAPI (48 bytes), except in "
        f"the rows of the 6.12 command.",
        "",
        how,
        "",
        f"{unit} per entry unless marked; ratio = series / base (below 1: "
        f"the series is cheaper); min and max are the ratios of single "
        f"rounds.",
        "",
        "| case | entries | base | series | ratio | min | max |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        "| goal | measured | |",
        "|---|---|---|",
        *[f"| {g} | {v:.2f} | {'met' if ok else 'MISSED'} |"
          for g, v, ok in goals[:4]],
        "",
        "A VMM forwarding a guest's bursts of commands with a CMD_SYNC "
        "after every 16th and the last, as Linux guests batch, from a queue "
        "of 8192 slots where the burst wraps, three ways on the series: one "
        "command per ioctl (today's VMMs; the VMM answers each CMD_SYNC), one "
        "linear array per CMD_SYNC with the commands it closes (two where "
        "they wrap), one ring call per doorbell with the guest's indices, "
        "CMD_SYNCs included. On the mock (`iommufd_inval_bench`, the x86_64 "
        "guests above) a CMD_SYNC is an ordinary request, as the mock knows "
        "none; on the SMMUv3 (`iommufd_smmu_nested`'s `forward_bursts`, "
        "median of 5 runs, in one arm64 guest of the series booted with the "
        "same `-icount` settings on QEMU's emulated nesting SMMUv3 and a "
        "device behind it) the kernel consumes them. Each cell is ioctls per "
        f"burst | {unit} per command (the burst's, over its commands, "
        "CMD_SYNCs not counted).",
        "",
        "| IOMMU | way | " + " | ".join(f"{n}: ioctls | {n}: per command"
                                         for n in SIZES) + " |",
        "|---|---|" + "---|---|" * len(SIZES),
        *vmm_rows,
        "",
        "| goal | measured | |",
        "|---|---|---|",
        *[f"| {g} | {v:.2f} | {'met' if ok else 'MISSED'} |"
          for g, v, ok in goals[4:]],
        "",
        "Where the instructions of one call go: the kernel instructions of "
        "one linear IOMMU_HWPT_INVALIDATE of 1 entry, counted function by "
        "function by single-stepping the guest under gdb "
        "(`testbed/trace.sh`, run by `make bench`), with the command of the "
        "series' uAPI (48 bytes) and with that of 6.12 (32 bytes). User "
        "space, the system call entry and exit are not included.",
        "",
        "| function | base, 48 | series, 48 | base, 32 | series, 32 |",
        "|---|---|---|---|---|",
        *trace_rows(traces),
        "",
        "User space (`make -C tools/testing/iommu-user-array callgrind`): "
        "instructions per 16-byte entry into a driver array of 64, counted by "
        "callgrind, the same from run to run.",
        "",
        "| layout | entries | iterator | one copy per entry (6.12) | memcpy |",
        "|---|---|---|---|---|",
    ]
    for lay in ("linear", "ring"):
        for n in (1, 64, 4096):
            lines.append(f"| {lay} | {n} | {by[('iter', lay, n)]:.1f} | "
                         f"{by[('per-entry', lay, n)]:.1f} | "
                         f"{by[('memcpy', lay, n)]:.1f} |")
    table = "\n".join(lines) + "\n"
    (out / "table.md").write_text(table)
    print(table)

    if readme:
        write_readme(readme, table)
    missed = [g for g, _, ok in goals if not ok]
    if missed:
        print("bench: goals missed: " + "; ".join(missed))


ALLOC = re.compile(r"^inval_allocs target=(\w+) entries=(\d+) calls=(\d+) "
                   r"slab=(-?\d+) pages=(-?\d+) failed=(\d+)$")
ARCHES = ("x86_64", "arm64")
KERNELS = (("base", "7.3"), ("series", "series"))


ALLOC_TARGETS = {("control", 0): "no call (control)",
                 ("ioas_alloc", 0): "IOMMU_IOAS_ALLOC (must count)",
                 ("nested_hwpt", 4096): "nested HWPT, 4096 entries",
                 ("viommu", 4096): "vIOMMU, 4096 entries",
                 ("viommu", 256): "vIOMMU, 256 entries"}


def parse_allocs(path, text):
    """{(target, entries): (calls, slab, pages, failed)}, the allocations"""
    end = re.search(r"TESTBED-BENCH-END zz_allocs rc=(\d+)", text)
    if not end or end.group(1) != "0":
        fail(f"{path}: the allocation count did not finish")
    got = {}
    for raw in text.splitlines():
        m = ALLOC.match(raw.strip())
        if m:
            got[(m.group(1), int(m.group(2)))] = tuple(
                int(x) for x in m.group(3, 4, 5, 6))
    for t in ALLOC_TARGETS:
        if t not in got:
            fail(f"{path}: no allocation count of {t[0]}, {t[1]} entries")
    # The counter must see the allocations of an object's creation
    if got[("ioas_alloc", 0)][1] < 1:
        fail(f"{path}: failslab counted no allocation in IOMMU_IOAS_ALLOC")
    return got


def smmu_status(out):
    """The SMMUv3 bursts, {(way, burst): (ioctls, per cmd)}, or why none"""
    path = out / "series-arm64-smmu.log"
    reason = out / "smmu-not-measured"
    if not path.exists():
        if reason.exists():
            return None, reason.read_text().strip()
        return None, "the arm64 guest of the SMMUv3 bursts did not run"
    text = path.read_text(errors="replace")
    skip = re.search(r"^ok \d+ smmu_nested\.forward_bursts # SKIP (.*)$",
                     text, re.M)
    if skip:
        return None, skip.group(1).strip()
    return parse_smmu(path), None


def main_mainline(out, rounds, clock, readme):
    """make bench KERNEL=7.3: the unmodified 7.3 against the 7.3 series"""
    runs, allocs = {}, {}
    for arch in ARCHES:
        for flavour, _ in KERNELS:
            runs[(arch, flavour)] = []
            for r in range(1, rounds + 1):
                path = out / f"{flavour}-{arch}-{r}.log"
                if not path.exists():
                    fail(f"{path} is missing")
                text = path.read_text(errors="replace")
                runs[(arch, flavour)].append(parse_cases(path, text))
                if r == 1:
                    allocs[(arch, flavour)] = parse_allocs(path, text)

    unit = "ns" if clock == "host" else "instructions"
    rows, goals, ratio = [], [], {}

    def row(arch, label, bkey, skey, n):
        what = "entry" if n else "call"
        b = series_of(runs[(arch, "base")], bkey, what)
        s = series_of(runs[(arch, "series")], skey, what)
        if b is None or s is None:
            fail(f"{arch} {label}: no numbers ({bkey} on 7.3, {skey} on "
                 f"the series)")
        per_round = [y / x for x, y in zip(b, s)]
        med = statistics.median(s) / statistics.median(b)
        ratio[(arch, label, n)] = med
        rows.append(f"| {arch} | {label} | {n} | "
                    f"{fmt(statistics.median(b))} | "
                    f"{fmt(statistics.median(s))} | {med:.2f} | "
                    f"{min(per_round):.2f} | {max(per_round):.2f} |")

    v1 = "linear, 7.3's command (32 bytes)"
    for arch in ARCHES:
        row(arch, f"ioctl only (entry_num = 0), {unit} per call",
            ("ioctl", 0), ("ioctl", 0), 0)
        for n in SIZES:
            row(arch, "linear", ("linear", n), ("linear", n), n)
        for n in SIZES:
            row(arch, v1, ("linear_v1", n), ("linear_v1", n), n)
        for n in SIZES:
            row(arch, "wrapped ring: 7.3 two linear calls, series one ring "
                "call", ("split", n), ("ring", n), n)
        for arch_goal in (
                (f"{arch}, linear, 1 entry: series at most 1.00 x 7.3 per "
                 f"call", ratio[(arch, "linear", 1)], 1.00),
                (f"{arch}, the same with 7.3's command",
                 ratio[(arch, v1, 1)], 1.00),
                (f"{arch}, linear, 4096 entries: series at most 0.5 x 7.3 "
                 f"per entry", ratio[(arch, "linear", 4096)], 0.5)):
            goals.append((arch_goal[0], arch_goal[1],
                          arch_goal[1] <= arch_goal[2]))

    # A VMM forwarding a guest's bursts, both kernels, on the mock
    ways = (("one command per ioctl (32 bytes)", "vmm_per_command",
             "per_command"),
            ("linear per CMD_SYNC", "vmm_per_sync", "per_sync"),
            ("ring per doorbell", "vmm_per_doorbell", "per_doorbell"))
    vmm_rows, vmm_goals, vmm = [], [], {}
    for arch in ARCHES:
        for flavour, kname in KERNELS:
            for label, key, _ in ways:
                cells = []
                for n in SIZES:
                    per_cmd = series_of(runs[(arch, flavour)], (key, n),
                                        "entry")
                    if per_cmd is None and flavour == "series":
                        fail(f"{arch}: {key} of {n}: the series has no ring "
                             f"mode")
                    if per_cmd is None:
                        cells.append("not available (no ring mode) | -")
                        continue
                    calls = {r[(key, n)]["ioctls"]
                             for r in runs[(arch, flavour)]}
                    if len(calls) != 1:
                        fail(f"{arch} {flavour} {key} of {n}: the ioctls "
                             f"differ between rounds")
                    vmm[(arch, flavour, label, n)] = (
                        calls.pop(), statistics.median(per_cmd))
                    cells.append(f"{vmm[(arch, flavour, label, n)][0]} | "
                                 f"{fmt(vmm[(arch, flavour, label, n)][1])}")
                vmm_rows.append(f"| {arch}, mock | {kname} | {label} | "
                                + " | ".join(cells) + " |")
        ring = vmm[(arch, "series", "ring per doorbell", 4096)][1]
        old = vmm[(arch, "base", ways[0][0], 4096)][1]
        lin = vmm[(arch, "series", "linear per CMD_SYNC", 4096)][1]
        calls = {vmm[(arch, "series", "ring per doorbell", n)][0]
                 for n in SIZES}
        vmm_goals += [
            (f"{arch}, mock: one ioctl per doorbell, every burst (series)",
             max(calls), calls == {1}),
            (f"{arch}, mock, 4096 commands: series ring at most 0.1 x 7.3 "
             f"one command per ioctl", ring / old, ring / old <= 0.1),
            (f"{arch}, mock, 4096 commands: series ring at most 1.05 x "
             f"series linear per CMD_SYNC", ring / lin, ring / lin <= 1.05),
        ]
    smmu, why = smmu_status(out)
    if smmu is None:
        vmm_rows.append(f"| arm64, SMMUv3 vIOMMU | 7.3, series | every way "
                        f"| not measured: {why} | "
                        + " | ".join(["-"] * (2 * len(SIZES) - 1)) + " |")
    else:
        for label, _, key in ways:
            cells = []
            for n in SIZES:
                if (key, n) not in smmu:
                    fail(f"SMMUv3 {key} of {n} missing from the arm64 guest")
                cells.append(f"{smmu[(key, n)][0]} | "
                             f"{fmt(smmu[(key, n)][1])}")
            vmm_rows.append(f"| arm64, SMMUv3 vIOMMU | series | {label} | "
                            + " | ".join(cells) + " |")

    alloc_rows, alloc_goals = [], []
    for arch in ARCHES:
        for flavour, kname in KERNELS:
            got = allocs[(arch, flavour)]
            for t, label in ALLOC_TARGETS.items():
                calls, slab, pages, failed = got[t]
                div = max(calls, 1)
                alloc_rows.append(f"| {arch} | {kname} | {label} | {calls} | "
                                  f"{slab / div:.4g} | {pages / div:.4g} | "
                                  f"{failed} |")
        for t in (("nested_hwpt", 4096), ("viommu", 4096), ("viommu", 256)):
            calls, slab, pages, failed = allocs[(arch, "series")][t]
            alloc_goals.append(
                (f"{arch}, series, {ALLOC_TARGETS[t]}: no slab allocation "
                 f"and under 0.01 page per call, slab + pages per call",
                 slab / calls + pages / calls,
                 slab == 0 and pages / calls < 0.01 and failed == 0))

    qemu = sorted({q.read_text().strip().replace("QEMU emulator version ", "")
                   for q in out.glob("*.qemu-version")})
    how = ("**Measured in QEMU TCG with `-icount shift=0`: the guest's "
           "clock advances one nanosecond per guest instruction, so every "
           "number is a count of guest instructions (user space, kernel and "
           "interrupts while the call ran), the same on every boot. It "
           "weighs every instruction alike and sees no cache, so only the "
           "ratios carry over to hardware.**" if clock == "icount" else
           "**Times are from QEMU TCG, an emulated CPU: only the ratios "
           "mean anything, not the nanoseconds.**")

    def goal_rows(gs):
        return [f"| {g} | {v:.2f} | {'met' if ok else 'MISSED'} |"
                for g, v, ok in gs]

    lines = [
        f"IOMMU_HWPT_INVALIDATE on the mock nested HWPT in x86_64 and "
        f"arm64 guests (QEMU {', '.join(qemu) or 'version not recorded'}), "
        f"{rounds} interleaved boots of each kernel, median of 21 samples "
        f"per boot, then the median over the boots (`make bench KERNEL=7.3`, "
        f"`BENCH_CLOCK={clock}`). 7.3 is Debian's linux-source-7.3 "
        f"unmodified (`mainline/bench-base-patches` is empty); it has no "
        f"ring mode, so its wrapped ring is the two linear calls a VMM must "
        f"make. On each architecture one binary (`iommufd_inval_bench`, "
        f"built from the series) runs on both kernels and passes the "
        f"command of the series' uAPI (48 bytes), except in the rows of "
        f"7.3's command.",
        "",
        how,
        "",
        f"{unit} per entry unless marked; ratio = series / 7.3 (below 1: "
        f"the series is cheaper); min and max are the ratios of single "
        f"rounds.",
        "",
        "| guest | case | entries | 7.3 | series | ratio | min | max |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "| goal | measured | |",
        "|---|---|---|",
        *goal_rows(goals),
        "",
        "A VMM forwarding a guest's bursts of commands with a CMD_SYNC "
        "after every 16th and the last, from a queue of 8192 slots where the "
        "burst wraps, three ways: one command per ioctl with 7.3's 32-byte "
        "command (as QEMU 11.1 does; the VMM answers each CMD_SYNC), one "
        "linear array per CMD_SYNC with the commands it closes (two where "
        "they wrap), one ring call per doorbell with the guest's indices, "
        "CMD_SYNCs included (the mock knows no CMD_SYNC: it handles them as "
        "ordinary requests). Each cell is ioctls per burst | "
        f"{unit} per command (the burst's, over its commands, CMD_SYNCs not "
        "counted); medians over the boots above.",
        "",
        "| IOMMU | kernel | way | " + " | ".join(
            f"{n}: ioctls | {n}: per command" for n in SIZES) + " |",
        "|---|---|---|" + "---|---|" * len(SIZES),
        *vmm_rows,
        "",
        "| goal | measured | |",
        "|---|---|---|",
        *goal_rows(vmm_goals),
        "",
        "Allocations on the invalidation path: the slab allocations the "
        "benchmark's task makes while failslab fails and counts every one "
        "(`iommufd_inval_bench allocs`, first boot of each kernel), and "
        "the pages the whole guest allocated (`/proc/vmstat` pgalloc, which "
        "also sees kmalloc() of more than two pages and other tasks' "
        "allocations), per call of a linear array, over 10,000 calls. A "
        "call whose slab allocation was refused fails; failed counts them.",
        "",
        "| guest | kernel | what | calls | slab allocations per call | "
        "pages per call | failed |",
        "|---|---|---|---|---|---|---|",
        *alloc_rows,
        "",
        "| goal | measured | |",
        "|---|---|---|",
        *goal_rows(alloc_goals),
    ]
    table = "\n".join(lines) + "\n"
    (out / "table.md").write_text(table)
    print(table)
    if readme:
        write_readme(readme, table)
    missed = [g for g, _, ok in goals + vmm_goals + alloc_goals if not ok]
    if missed:
        print("bench: goals missed: " + "; ".join(missed))


def write_readme(readme, table):
    """Replace the text between README's bench markers with the table"""
    text = readme.read_text()
    begin, end = "<!-- bench:begin -->\n", "<!-- bench:end -->"
    if begin not in text or end not in text:
        fail(f"{readme} has no bench markers")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(head + begin + table + end + tail)
    print(f"bench: table written into {readme}")


if __name__ == "__main__":
    main()
