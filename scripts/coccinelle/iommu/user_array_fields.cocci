// SPDX-License-Identifier: GPL-2.0-only
/// Only the iommufd core, in drivers/iommu/iommufd/user_data.c and its
/// private header user_array.h, may use the private members of struct
/// iommu_user_data_array: a driver reads the entries with
/// iommu_user_array_fetch() or iommu_user_array_next() and reports the ones
/// it handled with iommu_user_array_ack(), and the core builds an array
/// with __iommu_user_array_init() (tests with iommu_user_array_init()). The member type is public.
/// A driver reads the uptr and len of a struct iommu_user_data only through
/// iommu_copy_struct_from_user().
///
// Confidence: High
// Comments: The iommufd core builds each struct iommu_user_data and may read
//  it; so may the inline reader in include/linux/iommu.h. Setting one up,
//  as tests do, is not reported either. Accesses are found by type, so the
//  struct type must be known in the file itself, as for a parameter or a
//  local variable; an access through a member of a struct declared in a
//  header that is not scanned is missed. spatch does not expand macros, so
//  a function-like macro whose body names a private member, defined in the
//  file or in a header it includes with "", is reported where it is given
//  a struct iommu_user_data_array. A function that names either struct but
//  that spatch cannot parse is reported as such.
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

NEEDLES = [r'\biommu_user_data(_array)?\b']
WHAT = "iommu_user_data_array and iommu_user_data accesses are"

def owner(p):
    """In the files that own struct iommu_user_data_array"""
    return re.search(r'(^|/)iommufd/user_(data\.c|array\.h)$',
                     p[0].file) is not None

def data_owner(p):
    """In the iommufd core, which builds each struct iommu_user_data, or in
    its inline reader; the mock driver of the selftests is a driver"""
    f = p[0].file
    if f.endswith("include/linux/iommu.h"):
        return p[0].current_element == "__iommu_copy_struct_from_user"
    return re.search(r'(^|/)iommufd/[^/]+$', f) is not None and \
        not f.endswith("/selftest.c")

USE_ITER = "use iommu_user_array_fetch()/ack()"

PRIVATE = ["uptr", "entry_len", "entry_num", "head", "count", "flags",
           "fetched", "done"]
_define = re.compile(r'^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)'
                     r'((?:[^\n]*\\\n)*[^\n]*)', re.M)
_include = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.M)
_private = re.compile(r'(?:->|\.)\s*(%s)\b' % "|".join(PRIVATE))

# Per file: function-like macros whose body names a private member
accessors = {}

def find_accessors(fname):
    accessors.clear()
    try:
        with open(fname, errors="replace") as f:
            src = f.read()
    except OSError:
        return
    texts = [src]
    for inc in _include.findall(src):
        try:
            with open(os.path.join(os.path.dirname(fname), inc),
                      errors="replace") as f:
                texts.append(f.read())
        except OSError:
            pass
    for text in texts:
        text = _noise.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)), text)
        for m in _define.finditer(text):
            fields = _private.findall(m.group(3))
            if fields:
                accessors[m.group(1)] = sorted(set(fields))

writes = set()

def where(p):
    return (p[0].file, p[0].line, p[0].column)

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
    find_accessors(f)

// A macro that spatch sees as a call, given the array
@am@
identifier M;
struct iommu_user_data_array *pa;
position p : script:python(M) { M in accessors and not owner(p) };
@@

* M@p(..., pa, ...)

@am2@
identifier M;
struct iommu_user_data_array a;
position p : script:python(M) { M in accessors and not owner(p) };
@@

* M@p(..., a, ...)

@wa@
struct iommu_user_data_array *pa;
struct iommu_user_data_array a;
identifier f = {uptr, entry_len, entry_num, head, count, flags, fetched, done};
expression E;
assignment operator aop;
position p : script:python() { not owner(p) };
@@

(
* pa->f@p aop E
|
* a.f@p aop E
|
* pa->f@p++
|
* pa->f@p--
|
* ++pa->f@p
|
* --pa->f@p
|
* a.f@p++
|
* a.f@p--
|
* ++a.f@p
|
* --a.f@p
)

@script:python@
p << wa.p;
@@
writes.add(where(p))

@ra@
struct iommu_user_data_array *pa;
struct iommu_user_data_array a;
identifier f = {uptr, entry_len, entry_num, head, count, flags, fetched, done};
position p : script:python() { not owner(p) and where(p) not in writes };
@@

(
* pa->f@p
|
* a.f@p
)

@ia@
identifier x;
identifier f = {uptr, entry_len, entry_num, head, count, flags, fetched, done};
expression E;
position p : script:python() { not owner(p) };
@@

(
* struct iommu_user_data_array x = { ..., .f@p = E, ... };
|
* (struct iommu_user_data_array){ ..., .f@p = E, ... }
)

@wd@
struct iommu_user_data *pd;
struct iommu_user_data d;
identifier f = {uptr, len};
expression E;
assignment operator aop;
position p;
@@

(
 pd->f@p aop E
|
 d.f@p aop E
)

@script:python@
p << wd.p;
@@
writes.add(where(p))

@rd@
struct iommu_user_data *pd;
struct iommu_user_data d;
identifier f = {uptr, len};
position p : script:python() {
	not data_owner(p) and where(p) not in writes
};
@@

(
* pd->f@p
|
* d.f@p
)

@script:python depends on report || org@
p << am.p;
M << am.M;
@@
emit(p[0], "%s reads iommu_user_data_array.%s through the macro %s(); %s" %
     (p[0].current_element, "/".join(accessors[M]), M, USE_ITER))

@script:python depends on report || org@
p << am2.p;
M << am2.M;
@@
emit(p[0], "%s reads iommu_user_data_array.%s through the macro %s(); %s" %
     (p[0].current_element, "/".join(accessors[M]), M, USE_ITER))

@script:python depends on report || org@
p << wa.p;
f << wa.f;
@@
emit(p[0], "%s writes iommu_user_data_array.%s directly; %s" %
     (p[0].current_element, f, USE_ITER))

@script:python depends on report || org@
p << ra.p;
f << ra.f;
@@
emit(p[0], "%s reads iommu_user_data_array.%s directly; %s" %
     (p[0].current_element, f, USE_ITER))

@script:python depends on report || org@
p << ia.p;
f << ia.f;
@@
emit(p[0], "%s initializes iommu_user_data_array.%s directly; "
     "use iommu_user_array_init()" % (p[0].current_element, f))

@script:python depends on report || org@
p << rd.p;
f << rd.f;
@@
emit(p[0], "%s reads iommu_user_data.%s directly; "
     "use iommu_copy_struct_from_user()" % (p[0].current_element, f))
