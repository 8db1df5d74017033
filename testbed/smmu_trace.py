#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check what the emulated SMMUv3 executed against what the guest asked for.

Usage: smmu_trace.py CONSOLE_LOG SMMU_TRACE   (exits 1 on any failure)

The arm64 guest's iommufd_smmu_nested kselftest prints, as "# smmu-trace:"
lines, the commands the SMMU must execute in each case between two marker
commands (TLBI_NH_ASID, ASID 0xf000 | 2n and 0xf000 | 2n + 1): raw as the
test submitted them (6.12, on the nested HWPT), or as the SMMU must run
them (7.3, on the vIOMMU: the device's StreamID for its virtual one,
TLBI_NSNH_ALL as TLBI_NH_ALL; the guest's VMID still replaced here). QEMU traces every command its SMMUv3 consumes
(testbed/smmu-trace-events). This checker decodes the test's commands from
the SMMUv3 architecture's command layouts, independently of the kernel, and
requires, per case, that exactly those commands ran between the markers, in
order, with the guest's ASIDs, addresses, ranges and StreamIDs unchanged and
the VMID of the nesting parent (read from the stage-2 invalidation of the
parent's unmap) in place of the guest's. The unmap itself must be followed
by a TLBI_NH_ALL of that VMID, which drops the nested masters' combined
stage 1 + stage 2 entries. Over the whole trace no command may
fail (CERROR), no GERROR may be raised and no event be recorded. The ID
registers the test read with IOMMU_GET_HW_INFO must be the ones the driver
read, but for the ATS and RIL bits, which the kernel may clear.
"""

import re
import sys

MARK = 0xf000
OPS = {0x10: 'TLBI_NH_ALL', 0x11: 'TLBI_NH_ASID', 0x12: 'TLBI_NH_VA',
       0x13: 'TLBI_NH_VAA', 0x05: 'CFGI_CD', 0x06: 'CFGI_CD_ALL',
       0x40: 'ATC_INV'}
LINE = re.compile(r'^(?:\[\s*\d+\.\d+\] ?)?# smmu-trace: (\w+) ?(.*)$')
EVENT = re.compile(r'^(smmuv?3?_\w+) (.*)$')
IDR_MASKABLE = {0: 1 << 10, 3: 1 << 10}   # IDR0.ATS, IDR3.RIL


def bits(v, hi, lo):
    return (v >> lo) & ((1 << (hi - lo + 1)) - 1)


def fields(text):
    return dict(re.findall(r'(\w+)=(-?0x[0-9a-f]+|-?\d+)', text))


def num(s):
    return int(s, 0)


def parse_trace(path):
    """Commands in execution order: (opcode name, [(event, args)]), and
    the other events (ID register reads, errors)."""
    cmds, reads, errors = [], {}, []
    with open(path, errors='replace') as f:
        for line in f:
            m = EVENT.match(line.rstrip('\n'))
            if not m:
                continue
            ev, args = m.groups()
            if ev == 'smmuv3_cmdq_opcode':
                cmds.append((args.replace('<--- SMMU_CMD_', '').strip(), []))
            elif ev == 'smmuv3_read_mmio':
                r = re.match(r'addr: (0x[0-9a-f]+) val:(0x[0-9a-f]+)', args)
                if r and num(r.group(1)) < 0x18:
                    reads[num(r.group(1)) // 4] = num(r.group(2))
            elif ev in ('smmuv3_cmdq_consume_error', 'smmuv3_write_gerror',
                        'smmuv3_record_event'):
                errors.append(f'{ev} {args}')
            elif cmds:
                cmds[-1][1].append((ev, args))
    return cmds, reads, errors


def parse_log(path):
    cases, idr, order = {}, {}, []
    with open(path, errors='replace') as f:
        for line in f:
            m = LINE.match(line.strip())
            if not m:
                continue
            what, rest = m.groups()
            words = rest.split()
            if what == 'begin':
                n = int(words[0])
                cases[n] = {'name': ' '.join(words[1:]), 'cmds': [], 's2': None,
                            'end': False}
                order.append(n)
            elif what == 'cmd':
                cases[int(words[0])]['cmds'].append((num(words[1]), num(words[2])))
            elif what == 's2':
                cases[int(words[0])]['s2'] = (num(words[1]), num(words[2]))
            elif what == 'end':
                cases[int(words[0])]['end'] = True
            elif what == 'idr':
                idr[int(words[0])] = num(words[1])
    return cases, idr, order


def marker_of(cmd):
    name, ev = cmd
    if name != 'TLBI_NH_ASID':
        return None
    for e, a in ev:
        if e == 'smmuv3_cmdq_tlbi_nh_asid':
            asid = num(fields(a)['asid'])
            if asid & 0xf000 == MARK:
                return asid & 0xfff
    return None


def expect(w0, w1, vmid):
    """What QEMU's trace shows for a command, from its layout."""
    op = bits(w0, 7, 0)
    name = OPS.get(op, f'opcode {op:#x}')
    if name in ('TLBI_NH_VA', 'TLBI_NH_VAA'):
        tg, n, scale = bits(w1, 11, 10), bits(w0, 16, 12), bits(w0, 24, 20)
        return name, {'vmid': vmid,
                      'asid': bits(w0, 63, 48) if name == 'TLBI_NH_VA' else -1,
                      'addr': w1 & ~0xfff, 'pages': (n + 1) << scale if tg else 1,
                      'tg': tg, 'leaf': w1 & 1, 'stage': 1}
    if name == 'TLBI_NH_ASID':
        return name, {'vmid': vmid, 'asid': bits(w0, 63, 48)}
    if name == 'TLBI_NH_ALL':
        return name, {'vmid': vmid}
    if name in ('CFGI_CD', 'CFGI_CD_ALL'):
        return name, {'sid': bits(w0, 63, 32)}
    return name, {}


def seen(cmd):
    """The same fields, from QEMU's trace of one executed command."""
    name, ev = cmd
    got = {}
    for e, a in ev:
        f = fields(a)
        if e == 'smmuv3_range_inval':
            if 'addr' not in got:
                got.update(vmid=num(f['vmid']), asid=num(f['asid']),
                           addr=num(f['addr']), tg=num(f['tg']),
                           leaf=num(f['leaf']), stage=num(f['stage']), pages=0)
            got['pages'] += num(f['num_pages'])
        elif e == 'smmuv3_cmdq_tlbi_nh':
            got['vmid'] = num(f['vmid'])
        elif e == 'smmu_iotlb_inv_asid_vmid':
            got.update(asid=num(f['asid']), vmid=num(f['vmid']))
        elif e == 'smmuv3_cmdq_cfgi_cd':
            got['sid'] = num(f['sid'])
        elif e == 'smmuv3_unhandled_cmd':
            got['unhandled'] = a
    return name, got


def check(log, trace):
    """Returns a list of (case, ok, message)."""
    out = []
    cases, idr, order = parse_log(log)
    if not order:
        return [('smmu-trace lines in the console log', False,
                 'the guest printed no traced case')]
    try:
        cmds, reads, errors = parse_trace(trace)
    except OSError as e:
        return [('QEMU trace of the SMMU command queue', False, f'no trace: {e}')]

    # Split the executed commands into the windows between markers
    windows, current = {}, None
    for c in cmds:
        m = marker_of(c)
        if m is not None:
            n, begin = m // 2, m % 2 == 0
            if begin:
                current = n
                windows[n] = []
            elif current == n:
                windows[n].append('closed')
                current = None
            continue
        if current is not None and c[0] != 'SYNC':
            windows[current].append(c)

    vmid = None
    for n in order:
        s2 = cases[n]['s2']
        for c in windows.get(n, []):
            if s2 and c != 'closed' and c[0] == 'TLBI_S2_IPA':
                got = seen(c)[1]
                if s2[0] <= got.get('addr', -1) < s2[0] + s2[1]:
                    vmid = got['vmid']
    out.append(('parent VMID from its stage-2 unmap', vmid is not None and vmid > 0,
                f'vmid {vmid}'))

    for n in order:
        case = cases[n]
        label = f'case {n}: {case["name"]}'
        win = windows.get(n)
        if win is None or not win or win[-1] != 'closed':
            out.append((label, False, 'its markers are not in the trace in order'))
            continue
        win = win[:-1]
        if case['s2']:
            # The unmap must also drop the nested masters' combined S1+S2
            # entries: TLBI_S2_IPA leaves them, TLBI_NH_ALL of the VMID not
            names = [c[0] for c in win]
            nh = [seen(c)[1].get('vmid') for c in win if c[0] == 'TLBI_NH_ALL']
            ok = 'TLBI_S2_IPA' in names and vmid is not None and vmid in nh
            out.append((label, ok, f'executed {names}, TLBI_NH_ALL vmids {nh}'))
            continue
        if case['name'].startswith('loose:'):
            bad = [c[0] for c in win if seen(c)[1].get('unhandled')]
            out.append((label, not bad, f'{len(win)} commands, unhandled: {bad}'))
            continue
        want = [expect(w0, w1, vmid) for w0, w1 in case['cmds']]
        got = [seen(c) for c in win]
        ok = len(want) == len(got)
        msg = f'{len(got)} commands executed, {len(want)} expected'
        for i, (w, g) in enumerate(zip(want, got)):
            if w[0] != g[0] or any(g[1].get(k) != v for k, v in w[1].items()):
                ok = False
                msg += f'; #{i}: expected {w[0]} {w[1]}, executed {g[0]} {g[1]}'
                break
        out.append((label, ok, msg))

    out.append(('no CERROR, GERROR or event from the SMMU', not errors,
                '; '.join(errors[:3]) or 'none'))
    if idr:
        bad = []
        for i, v in sorted(idr.items()):
            hw = reads.get(i)
            mask = IDR_MASKABLE.get(i, 0)
            if hw is None or (v & ~mask) != (hw & ~mask) or v & ~hw:
                bad.append(f'IDR{i} hw_info {v:#x} driver read {hw}')
        out.append(('IOMMU_GET_HW_INFO = the ID registers the driver read',
                    not bad, '; '.join(bad) or f'{len(idr)} registers'))
    return out


def main():
    res = check(sys.argv[1], sys.argv[2])
    for case, ok, msg in res:
        print(f'{"ok" if ok else "FAIL"}: {case}: {msg}')
    return 0 if all(ok for _, ok, _ in res) else 1


if __name__ == '__main__':
    sys.exit(main())
