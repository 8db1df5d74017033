// SPDX-License-Identifier: GPL-2.0-only
/// An entry of a user array, as read by iommu_user_array_fetch() or
/// iommu_user_array_next() (iommu_copy_struct_from_user_array() in older
/// kernels), holds all that the driver needs. A member that is a __user
/// pointer, or a 64-bit member that the driver turns into one, whatever its
/// name, would make the driver read more user memory that the array
/// helpers neither bound nor check.
///
// Confidence: High
// Comments: The struct is found from the type of the destination, so that
//  type must be known where the helper is called. Its definition is looked
//  for in the file, in the headers that it includes with "" and in
//  include/uapi/linux/iommufd.h, which is named relative to the source
//  tree: run from there (make coccicheck without O=). A member becomes a
//  user pointer through u64_to_user_ptr() or a cast to a __user pointer
//  type, in the file that reads the entries; a member only named like a
//  user pointer (_uptr, user_va, ..._addr) that the file never converts is
//  not reported. coccicheck gives spatch one file at a time, so such a
//  conversion in another file of the driver is reported there when its
//  struct is a uAPI entry struct (struct iommu_hwpt_*_invalidate or
//  struct iommu_viommu_*_invalidate of include/uapi/linux/iommufd.h). A
//  function that calls the helpers but that spatch cannot parse is
//  reported as such.
// Options: --local-includes --include-headers --include include/uapi/linux/iommufd.h

virtual context
virtual org
virtual report

@initialize:python@
@@
# guard: begin
# Coccinelle 1.1.1 drops a function it cannot parse, such as one using
# scoped_guard() { } or u32 *p __free(kfree) = ... without type
# information, and says nothing under --very-quiet. Record the functions
# that were parsed and compare them with the top-level functions of the
# source text, so that a dropped function that matters here is reported.
import re, sys

parsed_fns = {}
guard_done = set()
seen = set()
mode = ["report"]

class Pos:
    def __init__(self, file, line):
        self.file = file
        self.line = str(line)
        self.column = "0"
        self.column_end = "0"

def emit(p, msg):
    key = (p.file, p.line, p.column, msg)
    if key in seen:
        return
    seen.add(key)
    if mode[0] == "org":
        coccilib.org.print_todo(p, msg)
    elif mode[0] == "patch":
        sys.stderr.write(coccilib.report.build_report(p, msg) + "\n")
    else:
        coccilib.report.print_report(p, msg)

def note_parsed(p, fn):
    parsed_fns.setdefault(p[0].file, set()).add(fn)

_noise = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'
                    r"'(?:\\.|[^'\\\n])*'", re.S)
_attrs = {"__attribute__", "__attribute", "__printf", "__scanf",
          "__acquires", "__releases", "__must_hold", "__section",
          "__aligned", "__alloc_size", "__cond_acquires"}

_fn_cache = {}

def c_functions(fname):
    """(name, line, text) of each top-level function definition."""
    if fname not in _fn_cache:
        _fn_cache[fname] = _c_functions(fname)
    return _fn_cache[fname]

def _c_functions(fname):
    try:
        with open(fname, errors="replace") as f:
            src = f.read()
    except OSError:
        return []
    # Blank comments, literals, directives and #if 0 blocks
    src = _noise.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)), src)
    keep, cont, skip = [], False, 0
    for l in src.split("\n"):
        s = l.strip()
        if skip:
            if re.match(r'#\s*if', s):
                skip += 1
            elif re.match(r'#\s*endif', s) or \
                 (skip == 1 and re.match(r'#\s*(else|elif)', s)):
                skip -= 1
            l = ""
        elif cont or s.startswith("#"):
            if re.match(r'#\s*if\s+0\b', s):
                skip = 1
            cont = l.rstrip().endswith(chr(92))  # backslash
            l = ""
        keep.append(l)
    src = "\n".join(keep)
    # Top-level brace blocks and the text before each one
    fns, depth, start, body = [], 0, 0, 0
    for i, c in enumerate(src):
        if c == "{":
            if depth == 0:
                body = i
            depth += 1
        elif c == "}" and depth:
            depth -= 1
            if depth:
                continue
            head = src[start:body]
            start = i + 1
            if not head.strip().endswith(")") or "=" in head:
                continue
            pdepth = 0
            for m in re.finditer(r'[()]|\b[A-Za-z_]\w*\b', head):
                t = m.group(0)
                if t in "()":
                    pdepth += 1 if t == "(" else -1
                elif not pdepth and t not in _attrs and \
                     head[m.end():].lstrip().startswith("("):
                    line = src.count("\n", 0, body - len(head) + m.start())
                    fns.append((t, line + 1, src[body - len(head):i + 1]))
                    break
        elif c == ";" and not depth:
            start = i + 1
    return fns

def dropped(fname, name, what):
    """Report name if it is a function of fname that was not parsed; return
    whether the file defines it at all"""
    found = False
    for n, line, text in c_functions(fname):
        if n == name:
            found = True
            if n not in parsed_fns.get(fname, set()):
                emit(Pos(fname, line), "%s could not be parsed by spatch; "
                     "%s not checked in it" % (n, what))
    return found

def guard(fname, needles, what):
    """Once per file: report the functions that spatch did not parse and
    whose text matches one of the regular expressions in needles."""
    if fname in guard_done:
        return
    guard_done.add(fname)
    done = parsed_fns.get(fname, set())
    for name, line, text in c_functions(fname):
        if name not in done and any(re.search(n, text) for n in needles):
            emit(Pos(fname, line), "%s could not be parsed by spatch; "
                 "%s not checked in it" % (name, what))
# guard: end

NEEDLES = [r'\biommu_user_array_(fetch|next)\b',
           r'\biommu_copy_struct_from_user_array\b']
WHAT = "entry structs are"

bad = {}

def where(p):
    return (p[0].file, p[0].line, p[0].column)

# Per file: (struct, member) pairs turned into a user pointer, and those
# conversions of a uAPI entry struct
converted = {}
uconv = {}

def user_ptr(ft, S, f):
    return (S, f) in converted or ("__user" in ft.split() and "*" in ft)

def uapi_entry(S):
    return re.match(r'iommu_(hwpt|viommu)_\w+_invalidate$', S) is not None

@script:python depends on org@
@@
mode[0] = "org"

@script:python depends on context@
@@
mode[0] = "context"

// A kernel attribute spatch does not know; declared once here, so that
// the functions that use it parse for every rule of this file
@pf@
attribute name __uninitialized;
identifier fn;
position p;
@@

fn@p(...) { ... }

@script:python@
fn << pf.fn;
p << pf.p;
@@
note_parsed(p, fn)

// Once per file, even without any match
@script:python@
@@
for f in cocci.files():
    guard(f, NEEDLES, WHAT)

@script:python@
@@
converted.clear()
uconv.clear()

// The destination of each read
@k@
type T;
T e;
expression A, X, N, L, I;
position p;
@@

(
iommu_user_array_fetch(A, X, e@p, N, L)
|
iommu_user_array_next(A, X, &e@p, L)
|
iommu_user_array_next(A, X, e@p, L)
|
iommu_copy_struct_from_user_array(&e@p, A, X, I, L)
|
iommu_copy_struct_from_user_array(e@p, A, X, I, L)
)

// In a file that reads entries: a member turned into a user pointer,
// with or without an integer cast
@cv depends on k disable drop_cast@
identifier S, f;
struct S e;
struct S *pe;
type T, T2;
position c;
@@

(
 u64_to_user_ptr(e.f@c)
|
 u64_to_user_ptr(pe->f@c)
|
 (T)(T2)e.f@c
|
 (T)(T2)pe->f@c
|
 (T)e.f@c
|
 (T)pe->f@c
)

@script:python@
S << cv.S;
f << cv.f;
c << cv.c;
T << cv.T = "";
@@
if not T or "__user" in T.split():
    converted.setdefault((S, f), c[0])

// In any file: a member of a uAPI entry struct turned into a user pointer
@cvu@
identifier S : script:python() { uapi_entry(S) };
identifier f;
struct S e;
struct S *pe;
position c;
@@

(
 u64_to_user_ptr(e.f@c)
|
 u64_to_user_ptr(pe->f@c)
)

@script:python@
S << cvu.S;
f << cvu.f;
c << cvu.c;
@@
converted.setdefault((S, f), c[0])
uconv[where(c)] = (c[0], S, f)

@ctxu depends on context@
expression E;
identifier f;
position p : script:python() { where(p) in uconv };
@@

(
* E.f@p
|
* E->f@p
)

@script:python depends on report || org@
@@
for c, S, f in uconv.values():
    emit(c, "%s turns member %s of the entry struct %s into a user "
         "pointer; an entry must not point to more user memory" %
         (c.current_element, f, S))
uconv.clear()

@script:python st@
T << k.T;
S;
@@
m = re.search(r'\bstruct\s+(\w+)', T)
if m:
    coccinelle.S = cocci.make_ident(m.group(1))
else:
    cocci.include_match(False)

@def@
identifier st.S;
identifier f;
type FT;
position q;
@@

struct S { ... FT f@q; ... };

@script:python@
p << k.p;
S << st.S;
f << def.f;
FT << def.FT;
q << def.q;
@@
if user_ptr(FT, S, f):
    bad.setdefault(where(p), []).append((p[0], S, f, q[0]))

@ctx depends on context@
expression E;
position p : script:python() { where(p) in bad };
@@

* E@p

@script:python depends on report || org@
p << k.p;
@@
for p0, S, f, q in bad.pop(where(p), []):
    emit(p0, "%s reads entries of struct %s, whose member %s (%s:%s) is a "
         "user pointer; an entry must not point to more user memory" %
         (p0.current_element, S, f, q.file, q.line))
