// SPDX-License-Identifier: GPL-2.0-only
/// The .cache_invalidate_user op of struct iommu_domain_ops reads its
/// requests only with iommu_user_array_fetch() or iommu_user_array_next(),
/// which check the type and the entry size, convert between uAPI versions
/// and keep the count of handled entries. Report a user copy, or a user
/// pointer made from a u64, in such an op or in a function of the same file
/// that it calls, directly or through one other function.
///
// Confidence: High
// Comments: The op is found through the struct iommu_domain_ops that
//  installs it: a variable or compound literal initialized with
//  .cache_invalidate_user, or an assignment to that member of a variable of
//  that type. Only functions defined in the same file are followed. An op,
//  or a function it calls, that spatch cannot parse is reported as such,
//  and so is an op defined in another file.
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

done_at = set()

def once(p):
    """False if something was already reported at p"""
    key = (p[0].file, p[0].line, p[0].column)
    if key in done_at:
        return False
    done_at.add(key)
    return True

HINT = ("read the requests with iommu_user_array_fetch() or "
        "iommu_user_array_next()")

ops_found = {}
_member = re.compile(r'\.cache_invalidate_user\s*=\s*&?\s*(\w+)')
_struct = re.compile(r'\bstruct\s+(\w+)\s*(?:\w+\s*)?(?:\[[^]]*\]\s*)?'
                     r'(?:=\s*|\)\s*)\{')

def unseen_ops(fname):
    """Report a .cache_invalidate_user of a struct iommu_domain_ops in the
    text of fname that the rule op did not see"""
    try:
        with open(fname, errors="replace") as f:
            src = _noise.sub(lambda m: re.sub(r'[^\n]', ' ', m.group(0)),
                             f.read())
    except OSError:
        return
    for m in _member.finditer(src):
        kinds = [k.group(1) for k in _struct.finditer(src, 0, m.start())]
        if not kinds or kinds[-1] != "iommu_domain_ops" or \
           m.group(1) in ops_found.get(fname, set()):
            continue
        emit(Pos(fname, src.count("\n", 0, m.start()) + 1),
             "%s is installed as .cache_invalidate_user where spatch cannot "
             "parse it; user copies are not checked in it" % m.group(1))

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
ops_found.setdefault(p[0].file, set()).add(fn)
if not dropped(p[0].file, fn, "user copies are") and \
   fn not in parsed_fns.get(p[0].file, set()):
    emit(p[0], "%s is installed as .cache_invalidate_user but defined in "
         "another file; user copies are not checked in it" % fn)

// Once per file, even without any match
@script:python@
@@
for f in cocci.files():
    unseen_ops(f)

@c0 depends on op@
identifier op.fn;
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
@f1 depends on op@
identifier op.fn, g;
@@

fn(...)
{
<+...
g(...)
...+>
}

@script:python@
g << f1.g;
p << op.p;
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
p << op.p;
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
fn << op.fn;
@@
if once(p):
    emit(p[0], "%s calls %s() in .cache_invalidate_user; %s" % (fn, cf, HINT))

@script:python depends on report || org@
p << c1.p;
cf << c1.cf;
g << f1.g;
fn << op.fn;
@@
if once(p):
    emit(p[0], "%s calls %s(), reached from .cache_invalidate_user %s; %s" %
         (g, cf, fn, HINT))

@script:python depends on report || org@
p << c2.p;
cf << c2.cf;
h << f2.h;
g << f1.g;
fn << op.fn;
@@
if once(p):
    emit(p[0], "%s calls %s(), reached from .cache_invalidate_user %s "
         "through %s; %s" % (h, cf, fn, g, HINT))
