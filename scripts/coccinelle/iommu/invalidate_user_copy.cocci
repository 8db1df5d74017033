// SPDX-License-Identifier: GPL-2.0-only
/// An invalidation op reads its requests only with iommu_user_array_fetch()
/// or iommu_user_array_next(), which check the type and the entry size,
/// convert between uAPI versions and keep the count of handled entries.
/// The op is the .cache_invalidate_user of a struct iommu_domain_ops or the
/// .cache_invalidate of a struct iommufd_viommu_ops (the vIOMMU shape of
/// Linux 6.13 and later). Report a user copy, or a user pointer made from a
/// u64, in such an op, in any function outside the iommufd core that is
/// given a struct iommu_user_data_array, or in a function of the same file
/// that either calls, directly or through one other function.
///
// Confidence: High
// Comments: coccicheck gives spatch one file at a time, so a helper in
//  another file cannot be tied to the op that calls it. The op's only way
//  to user memory is its struct iommu_user_data_array: a helper elsewhere
//  reaches user memory only if it is given the array, which this rule
//  checks in every file, or a __user pointer that the op made
//  (u64_to_user_ptr(), reported in the op), read from a private member
//  (user_array_fields.cocci) or read from an entry
//  (entry_struct_user_ptr.cocci). The iommufd core, which owns the array
//  (drivers/iommu/iommufd/ except the mock driver selftest.c,
//  include/linux/iommu.h and include/linux/iommu_user_array.h), is not
//  checked. The op is found through the ops struct that installs it: a
//  variable or compound literal initialized with the member, an assignment
//  to that member, or an invocation of a function-like macro, defined in
//  the file or in a header it includes with "", whose body initializes an
//  ops struct with it. An op, or a function it calls, that spatch cannot
//  parse is reported as such, and so is an op defined in another file.
// Options: --no-includes --include-headers

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
import os

done_at = set()

def once(p):
    """False if something was already reported at p"""
    key = (p[0].file, p[0].line, p[0].column)
    if key in done_at:
        return False
    done_at.add(key)
    return True

# Reports reached only from a function given the array wait for the end of
# the file, where one reached from an op at the same place replaces them
pending = []

def note_use(p, fn, msg):
    if roots.get(fn, ARRAY) == ARRAY:
        pending.append((p, msg))
    elif once(p):
        emit(p[0], msg)

HINT = ("read the requests with iommu_user_array_fetch() or "
        "iommu_user_array_next()")

# The ops structs and the member of each that holds the invalidation op
SLOTS = {"iommu_domain_ops": "cache_invalidate_user",
         "iommufd_viommu_ops": "cache_invalidate"}
ARRAY = "a function given a struct iommu_user_data_array"

# Per file: the roots (op or array taker) and how each was found
roots = {}
ops_found = {}
_member = re.compile(r'\.(cache_invalidate(?:_user)?)\s*=\s*&?\s*(\w+)')
_struct = re.compile(r'\bstruct\s+(\w+)\s*(?:\w+\s*)?(?:\[[^]]*\]\s*)?'
                     r'(?:=\s*|\)\s*)\{')
_define = re.compile(r'^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)'
                     r'((?:[^\n]*\\\n)*[^\n]*)', re.M)
_include = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.M)

def core(p):
    """In the iommufd core, which owns struct iommu_user_data_array"""
    f = p[0].file
    if re.search(r'(^|/)include/linux/iommu(_user_array)?\.h$', f):
        return True
    return re.search(r'(^|/)iommufd/[^/]+$', f) is not None and \
        not f.endswith("/selftest.c")

def slot_of(kind, member):
    return SLOTS.get(kind) == member

def desc(fn):
    kind = roots.get(fn, ARRAY)
    return ARRAY if kind == ARRAY else "." + SLOTS[kind]

def in_desc(fn):
    if roots.get(fn, ARRAY) == ARRAY:
        return "while given a struct iommu_user_data_array"
    return "in " + desc(fn)

def from_desc(fn):
    if roots.get(fn, ARRAY) == ARRAY:
        return "reached from %s (given a struct iommu_user_data_array)" % fn
    return "reached from %s %s" % (desc(fn), fn)

def blank(text):
    return _noise.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text)

def read(fname, raw=False):
    try:
        with open(fname, errors="replace") as f:
            return f.read() if raw else blank(f.read())
    except OSError:
        return ""

def add_root(fname, fn, kind, where):
    """Record fn as a root of fname; report it if the file does not define
    it or spatch could not parse it"""
    roots.setdefault(fn, kind)
    if kind == ARRAY:
        return
    ops_found.setdefault(fname, set()).add(fn)
    if not dropped(fname, fn, "user copies are") and \
       fn not in parsed_fns.get(fname, set()):
        emit(where, "%s is installed as .%s but defined in another file; "
             "user copies are not checked in it" % (fn, SLOTS[kind]))

def macro_ops(fname, src):
    """(name, line, kind) of each op installed by an invocation in src of a
    function-like macro that initializes an ops struct with it; the macro
    is defined in src or in a header included with "" """
    texts = [src]
    for inc in _include.findall(read(fname, True)):
        texts.append(read(os.path.join(os.path.dirname(fname), inc)))
    macros = {}
    for text in texts:
        for m in _define.finditer(text):
            body = m.group(3).replace("\\\n", " ")
            kinds = [(k.group(1), k.end()) for k in _struct.finditer(
                re.sub(r'\s*##\s*', '', body))]
            for mm in re.finditer(r'\.(cache_invalidate(?:_user)?)\s*=\s*'
                                  r'&?\s*([\w#\s]+?)\s*[,}]', body):
                kind = [k for k, e in kinds if e <= mm.start()]
                if kind and slot_of(kind[-1], mm.group(1)):
                    params = [x.strip() for x in m.group(2).split(",")]
                    macros.setdefault(m.group(1), []).append(
                        (params, mm.group(2), kind[-1]))
    found = []
    code = re.sub(r'^[ \t]*#[^\n]*', lambda m: " " * len(m.group(0)), src,
                  flags=re.M)
    for name in macros:
        for m in re.finditer(r'\b%s\s*\(' % re.escape(name), code):
            depth, args, cur, i = 1, [], "", m.end()
            while i < len(code) and depth:
                c = code[i]
                if c in "([{":
                    depth += 1
                elif c in ")]}":
                    depth -= 1
                if depth == 1 and c == ",":
                    args.append(cur.strip())
                    cur = ""
                elif depth:
                    cur += c
                i += 1
            args.append(cur.strip())
            line = code.count("\n", 0, m.start()) + 1
            for params, expr, kind in macros[name]:
                sub = dict(zip(params, args))
                fn = "".join(sub.get(t, t) for t in
                             re.split(r'\s*##\s*|\s+', expr.strip()))
                if re.match(r'^[A-Za-z_]\w*$', fn):
                    found.append((fn, line, kind))
    return found

def file_ops(fname):
    """Once per file: add the ops built by macros and report an op in the
    text of fname that the rule op did not see"""
    src = read(fname)
    for fn, line, kind in macro_ops(fname, src):
        add_root(fname, fn, kind, Pos(fname, line))
    # A member initialized in a macro body is for macro_ops()
    src = re.sub(r'^[ \t]*#[ \t]*define(?:[^\n]*\\\n)*[^\n]*',
                 lambda m: re.sub(r'[^\n]', ' ', m.group(0)), src, flags=re.M)
    for m in _member.finditer(src):
        kinds = [k.group(1) for k in _struct.finditer(src, 0, m.start())]
        if not kinds or not slot_of(kinds[-1], m.group(1)) or \
           m.group(2) in ops_found.get(fname, set()):
            continue
        emit(Pos(fname, src.count("\n", 0, m.start()) + 1),
             "%s is installed as .%s where spatch cannot parse it; user "
             "copies are not checked in it" % (m.group(2), m.group(1)))


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

@script:python@
@@
roots.clear()
del pending[:]

// The ops: a variable, a compound literal, or an assignment to the member
@op@
identifier I, fn;
struct iommu_domain_ops O;
struct iommu_domain_ops *PO;
position p;
@@

(
 struct iommu_domain_ops I = { ..., .cache_invalidate_user = fn@p, ... };
|
 (struct iommu_domain_ops){ ..., .cache_invalidate_user = fn@p, ... }
|
 O.cache_invalidate_user = fn@p
|
 PO->cache_invalidate_user = fn@p
)

@script:python@
fn << op.fn;
p << op.p;
@@
add_root(p[0].file, fn, "iommu_domain_ops", p[0])

@opv@
identifier I, fn;
struct iommufd_viommu_ops O;
struct iommufd_viommu_ops *PO;
position p;
@@

(
 struct iommufd_viommu_ops I = { ..., .cache_invalidate = fn@p, ... };
|
 (struct iommufd_viommu_ops){ ..., .cache_invalidate = fn@p, ... }
|
 O.cache_invalidate = fn@p
|
 PO->cache_invalidate = fn@p
)

@script:python@
fn << opv.fn;
p << opv.p;
@@
add_root(p[0].file, fn, "iommufd_viommu_ops", p[0])

// Once per file, even without any match
@script:python@
@@
for f in cocci.files():
    file_ops(f)

// Any function outside the core that is given the array
@at@
identifier fn, a;
position p : script:python() { not core(p) };
@@

fn@p(..., struct iommu_user_data_array *a, ...) { ... }

@script:python@
fn << at.fn;
@@
roots.setdefault(fn, ARRAY)

@atc@
identifier fn, a;
position p : script:python() { not core(p) };
@@

fn@p(..., const struct iommu_user_data_array *a, ...) { ... }

@script:python@
fn << atc.fn;
@@
roots.setdefault(fn, ARRAY)

// The roots, as spatch parsed them
@rt@
identifier fn;
position p : script:python(fn) { fn in roots };
@@

fn@p(...) { ... }

@c0@
identifier rt.fn;
identifier cf = {copy_from_user, copy_struct_from_user, __copy_from_user,
                 get_user, __get_user, memdup_user, vmemdup_user,
                 u64_to_user_ptr};
position p;
@@

fn(...)
{
<+...
* cf@p(...)
...+>
}

// Functions that the op calls, and the functions that they call
@f1@
identifier rt.fn, g;
@@

fn(...)
{
<+...
g(...)
...+>
}

@script:python@
g << f1.g;
p << rt.p;
@@
dropped(p[0].file, g, "user copies are")

@c1@
identifier f1.g;
identifier cf = {copy_from_user, copy_struct_from_user, __copy_from_user,
                 get_user, __get_user, memdup_user, vmemdup_user,
                 u64_to_user_ptr};
position p;
@@

g(...)
{
<+...
* cf@p(...)
...+>
}

@f2@
identifier f1.g, h;
@@

g(...)
{
<+...
h(...)
...+>
}

@script:python@
h << f2.h;
p << rt.p;
@@
dropped(p[0].file, h, "user copies are")

@c2@
identifier f2.h;
identifier cf = {copy_from_user, copy_struct_from_user, __copy_from_user,
                 get_user, __get_user, memdup_user, vmemdup_user,
                 u64_to_user_ptr};
position p;
@@

h(...)
{
<+...
* cf@p(...)
...+>
}

@script:python depends on report || org@
p << c0.p;
cf << c0.cf;
fn << rt.fn;
@@
note_use(p, fn, "%s calls %s() %s; %s" % (fn, cf, in_desc(fn), HINT))

@script:python depends on report || org@
p << c1.p;
cf << c1.cf;
g << f1.g;
fn << rt.fn;
@@
note_use(p, fn, "%s calls %s(), %s; %s" % (g, cf, from_desc(fn), HINT))

@script:python depends on report || org@
p << c2.p;
cf << c2.cf;
h << f2.h;
g << f1.g;
fn << rt.fn;
@@
note_use(p, fn, "%s calls %s(), %s through %s; %s" %
         (h, cf, from_desc(fn), g, HINT))

@script:python depends on report || org@
@@
for p, msg in pending:
    if once(p):
        emit(p[0], msg)
del pending[:]
