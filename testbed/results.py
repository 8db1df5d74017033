#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse the guests' serial logs into TAP files and one results table.

Usage: results.py FLAVOUR ARCH... [--readme README.md]

For each ARCH, reads build/results/FLAVOUR-ARCH.log and writes
build/results/FLAVOUR-ARCH.tap (KUnit and kselftest TAP, cleaned of kernel
timestamps). Prints a table with one row per suite and one column per guest,
then every failing case by name. Exits 1 on any failure: a failed or
missing case, a suite that did not finish, an IOMMU that did not probe, a
kernel warning, or a guest that timed out.
"""

import json
import os
import re
import sys

import smmu_trace

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(os.environ.get('BUILD', os.path.join(TOP, 'build')), 'results')

GUESTS = {
    'x86_64': ('x86_64, VT-d', re.compile(r'DMAR: dmar\d+: Using Queued invalidation')),
    # 7.3 no longer prints the input address size
    'arm64': ('arm64, SMMUv3', re.compile(r'arm-smmu-v3 \S+: (?:ias \d+-bit, )?oas \d+-bit')),
}
SMMU_FEATURES = re.compile(GUESTS['arm64'][1].pattern + r' \(features (0x[0-9a-f]+)\)')
FEAT_NESTING = 1 << 19   # ARM_SMMU_FEAT_NESTING: stage 1 and stage 2
FEAT_S2FWB = 1 << 23     # ARM_SMMU_FEAT_S2FWB: stage 2 forces write-back
UNSAFE_NESTING = re.compile(r'arm-smmu-v3 \S+: nesting without S2FWB allowed by (\S+):')
KERNEL_TROUBLE = re.compile(r'WARNING: |BUG: |Oops|Kernel panic|kmemleak|UBSAN:|KASAN:')
TS = re.compile(r'^\[\s*\d+\.\d+\] ?')
RESULT = re.compile(r'^(not ok|ok) (\d+) (.*?)(?: # (SKIP|TODO)\b ?(.*))?$')


class Suite:
    def __init__(self, kind, name):
        self.kind, self.name = kind, name
        self.passed, self.failed, self.skipped = [], [], []
        self.planned = None
        self.problems = []
        self.rows = 0

    def add(self, ok, case, directive, reason):
        if directive == 'SKIP':
            self.skipped.append((case, reason))
        elif ok:
            self.passed.append(case)
        else:
            self.failed.append(case)

    def total(self):
        return len(self.passed) + len(self.failed) + len(self.skipped)

    def cell(self):
        s = f'{len(self.passed)} pass, {len(self.failed)} fail, {len(self.skipped)} skip'
        if self.rows:
            s += f' ({self.rows} table rows)'
        if self.problems:
            s += ' (' + '; '.join(self.problems) + ')'
        return s

    def bad(self):
        return bool(self.failed or self.problems)


def clean(line):
    return TS.sub('', line.rstrip('\r\n'))


def parse_kunit(lines):
    """KUnit prints KTAP at boot: suites at indent 4, their cases at indent 8
    (the rows of a parameterised case deeper, counted once and shown as
    table rows), the suite verdict at 0."""
    suites, cur, tap = {}, None, []
    for raw in lines:
        if 'TESTBED-KUNIT-DONE' in raw:
            break
        line = clean(raw)
        m = re.match(r'^    # Subtest: (\S+)$', line)
        if m:
            cur = suites.setdefault(m.group(1), Suite('kunit', m.group(1)))
            tap.append(line)
            continue
        if cur is None:
            continue
        if line.startswith('    ') or line.startswith('ok ') or line.startswith('not ok '):
            tap.append(line)
        m = re.match(r'^    1\.\.(\d+)$', line)
        if m:
            cur.planned = int(m.group(1))
            continue
        m = RESULT.match(line[4:]) if line.startswith('    ') and not line.startswith('     ') else None
        if m:
            cur.add(m.group(1) == 'ok', m.group(3), m.group(4), m.group(5))
            continue
        # A parameterised case's rows, one level deeper: shown, not counted
        if RESULT.match(line[8:]) and line.startswith('        ') and not line.startswith('         '):
            cur.rows += 1
            continue
        m = RESULT.match(line)
        if m and m.group(3) == cur.name:
            if m.group(1) != 'ok' and not cur.failed:
                cur.problems.append('suite reported not ok')
            cur = None
    for s in suites.values():
        if s.planned is not None and s.total() != s.planned:
            s.problems.append(f'ran {s.total()} of {s.planned}')
    return suites, tap


def parse_kselftests(lines):
    suites, tap, cur, in_body = {}, [], None, False
    for raw in lines:
        line = raw.rstrip('\r\n')
        m = re.match(r'^TESTBED-BEGIN (\S+)$', line)
        if m:
            cur = suites.setdefault(m.group(1), Suite('kselftest', m.group(1)))
            cur.problems.append('did not finish')
            tap.append(f'# kselftest {cur.name}')
            continue
        if cur is None:
            continue
        m = re.match(r'^TESTBED-END (\S+) rc=(\d+)$', line)
        if m:
            cur.problems.remove('did not finish')
            if int(m.group(2)) != 0 and not cur.failed:
                cur.problems.append(f'exit code {m.group(2)}')
            if cur.planned is not None and cur.total() != cur.planned:
                cur.problems.append(f'ran {cur.total()} of {cur.planned}')
            cur = None
            continue
        tap.append(line)
        m = re.match(r'^1\.\.(\d+)$', line)
        if m:
            cur.planned = int(m.group(1))
            continue
        m = RESULT.match(line)
        if m:
            cur.add(m.group(1) == 'ok', m.group(3), m.group(4), m.group(5))
    return suites, tap


def expected(flavour):
    """{arch: [(kind, suite, flags)]} from testbed/expect."""
    want = {}
    with open(os.environ.get('EXPECT', os.path.join(TOP, 'testbed', 'expect'))) as f:
        for line in f:
            line = line.split('#', 1)[0].split()
            flags = set(line[3].split(',')) if len(line) == 4 else set()
            if 'series' in flags and flavour == 'base':
                continue
            if len(line) in (3, 4):
                want.setdefault(line[0], []).append((line[1], line[2], flags))
    return want


def smmu_features(text):
    """The features the arm64 guest's SMMU was probed with, or 0."""
    m = SMMU_FEATURES.search(text)
    return int(m.group(1), 16) if m else 0


def trace_suite(flavour, arch):
    """The host's check of the SMMU's trace, as a suite (smmu_trace.py)."""
    s = Suite('trace', 'smmuv3-cmdq')
    base = os.path.join(RESULTS, f'{flavour}-{arch}')
    for case, ok, msg in smmu_trace.check(base + '.log', base + '.smmu-trace'):
        s.add(ok, case, None, msg)
        if not ok:
            s.problems.append(f'{case}: {msg}')
    return s


def analyse(flavour, arch):
    log = os.path.join(RESULTS, f'{flavour}-{arch}.log')
    guest = {'suites': {}, 'problems': [], 'probed': False, 'trouble': [],
             'qemu': '', 'nesting': None, 'unsafe': None}
    qv = os.path.join(RESULTS, f'{flavour}-{arch}.qemu-version')
    if os.path.exists(qv):
        guest['qemu'] = open(qv).read().strip()
    if not os.path.exists(log):
        guest['problems'].append('no console log')
        return guest
    with open(log, errors='replace') as f:
        lines = f.readlines()
    kunit, ktap = parse_kunit(lines)
    ksft, stap = parse_kselftests(lines)
    guest['suites'] = {('kunit', k): v for k, v in kunit.items()}
    guest['suites'].update({('kselftest', k): v for k, v in ksft.items()})
    text = ''.join(lines)
    guest['probed'] = bool(GUESTS[arch][1].search(text))
    if not guest['probed']:
        guest['problems'].append(f'{GUESTS[arch][0]}: IOMMU not probed')
    if arch == 'arm64':
        features = smmu_features(text)
        # The SMMU must be probed with ARM_SMMU_FEAT_NESTING
        guest['nesting'] = features & FEAT_NESTING != 0
        guest['s2fwb'] = features & FEAT_S2FWB != 0
        m = UNSAFE_NESTING.search(text)
        guest['unsafe'] = m.group(1) if m else None
        if not guest['nesting']:
            guest['problems'].append('arm64: the SMMU was not probed with NESTING '
                                     '(features bit 19): no stage 2 in this QEMU?')
    guest['trouble'] = [clean(l) for l in lines if KERNEL_TROUBLE.search(l)][:5]
    if guest['trouble']:
        guest['problems'].append('kernel warning: ' + guest['trouble'][0])
    if 'TESTBED-DONE' not in text:
        guest['problems'].append('guest did not finish')
    rcfile = os.path.join(RESULTS, f'{flavour}-{arch}.qemu-rc')
    if os.path.exists(rcfile):
        rc = open(rcfile).read().strip()
        if rc == '124':
            guest['problems'].append('guest timed out')
    for kind, name, flags in expected(flavour).get(arch, []):
        if kind == 'trace':
            guest['suites'][(kind, name)] = trace_suite(flavour, arch)
        if (kind, name) not in guest['suites']:
            s = Suite(kind, name)
            s.problems.append('missing')
            guest['suites'][(kind, name)] = s
        s = guest['suites'][(kind, name)]
        if 'noskip' in flags and s.skipped:
            s.problems.append(f'{len(s.skipped)} skipped, which this guest must run: '
                              + s.skipped[0][1])
    with open(os.path.join(RESULTS, f'{flavour}-{arch}.tap'), 'w') as f:
        f.write('\n'.join(['# KUnit'] + ktap + ['# kselftests'] + stap) + '\n')
    return guest


def nesting_cell(guest):
    if guest['nesting'] is None:
        return 'no (QEMU shows no VT-d nesting)'
    if not guest['nesting']:
        return '**no**'
    if guest['unsafe'] and not guest['s2fwb']:
        # The kernel refuses nesting without S2FWB: say what let it nest
        return (f'yes, only because of {guest["unsafe"]}=1 (unsafe): '
                f'SMMUv3 stage 1 + stage 2, no S2FWB')
    if not guest['s2fwb']:
        return ('no (the SMMU has stage 1 + stage 2, but neither S2FWB nor a '
                'CANWBS root complex, without which the kernel nests nothing, '
                'and no unsafe switch was set)')
    return 'yes (SMMUv3 stage 1 + stage 2)'


def table(flavour, guests):
    arches = list(guests)
    head = '| suite | ' + ' | '.join(GUESTS[a][0] for a in arches) + ' |'
    rows = [head, '|' + ' --- |' * (len(arches) + 1)]
    rows.append('| QEMU | ' + ' | '.join(
        guests[a]['qemu'].replace('QEMU emulator version ', '') or '**unknown**'
        for a in arches) + ' |')
    rows.append('| IOMMU probed | ' + ' | '.join(
        'yes' if guests[a]['probed'] else '**no**' for a in arches) + ' |')
    rows.append('| nesting the guest can drive | ' + ' | '.join(
        nesting_cell(guests[a]) for a in arches) + ' |')
    keys = sorted({k for g in guests.values() for k in g['suites']},
                  key=lambda k: (k[0] != 'kunit', k[1]))
    for key in keys:
        cells = []
        for a in arches:
            s = guests[a]['suites'].get(key)
            cells.append('n/a' if s is None else
                         (f'**{s.cell()}**' if s.bad() else s.cell()))
        rows.append(f'| {key[0]}: {key[1]} | ' + ' | '.join(cells) + ' |')
    rows.append('| kernel log | ' + ' | '.join(
        '**' + guests[a]['trouble'][0].replace('|', '/') + '**' if guests[a]['trouble']
        else 'no warnings' for a in arches) + ' |')
    return '\n'.join(rows)


def main():
    args = sys.argv[1:]
    readme = None
    if '--readme' in args:
        i = args.index('--readme')
        readme = args[i + 1]
        del args[i:i + 2]
    flavour, arches = args[0], args[1:]
    guests = {a: analyse(flavour, a) for a in arches}
    tab = table(flavour, guests)
    failures = []
    for a, g in guests.items():
        failures += [f'{a}: {p}' for p in g['problems']]
        for (kind, name), s in sorted(g['suites'].items()):
            failures += [f'{a}: {kind} {name}: FAILED {c}' for c in s.failed]
            failures += [f'{a}: {kind} {name}: {p}' for p in s.problems]
    skips = [f'{a}: {kind} {name}: skipped {c}: {r}'
             for a, g in guests.items() for (kind, name), s in sorted(g['suites'].items())
             for c, r in s.skipped]
    verdict = 'PASS' if not failures else 'FAIL'
    print(f'\nResults ({flavour}):\n')
    print(tab)
    for line in skips:
        print('  ' + line)
    for line in failures:
        print('  ' + line)
    print(f'\nVerdict: {verdict}')
    summary = {a: {f'{k[0]}:{k[1]}': {'pass': len(s.passed), 'fail': len(s.failed),
                                       'skip': len(s.skipped), 'problems': s.problems}
                   for k, s in g['suites'].items()} for a, g in guests.items()}
    with open(os.path.join(RESULTS, f'{flavour}-summary.json'), 'w') as f:
        json.dump({'verdict': verdict, 'failures': failures, 'guests': summary}, f, indent=1)
    with open(os.path.join(RESULTS, f'{flavour}-table.md'), 'w') as f:
        f.write(tab + '\n')
    if readme and not failures:
        text = open(readme).read()
        # The series' table, or another flavour's where the file has one
        tag = 'results' if flavour == 'series' else f'results-{flavour}'
        begin, end = f'<!-- {tag}:begin -->', f'<!-- {tag}:end -->'
        if begin in text and end in text:
            pre, rest = text.split(begin, 1)
            post = rest.split(end, 1)[1]
            with open(readme, 'w') as f:
                f.write(pre + begin + '\n' + tab + '\n' + end + post)
    return 0 if not failures else 1


if __name__ == '__main__':
    sys.exit(main())
