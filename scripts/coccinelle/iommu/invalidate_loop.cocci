// SPDX-License-Identifier: GPL-2.0-only
/// A .cache_invalidate_user op reads its requests with
/// iommu_user_array_next() or iommu_user_array_fetch() and acknowledges
/// each handled one with iommu_user_array_ack(), instead of indexing the
/// array up to array->entry_num with iommu_copy_struct_from_user_array()
/// and writing the number handled back to array->entry_num, as in Linux
/// 6.12, or copying the whole array with
/// iommu_copy_struct_from_full_user_array() and walking the copy, as the
/// vIOMMU ops of Linux 6.13 and later do.
///
// Confidence: High
// Comments: The patch mode converts the loop of Linux 6.12: a for loop from
//  0 to array->entry_num whose body starts with the copy of the entry at the
//  index and a check of its result, and that counts the handled entries in
//  a variable then written back to array->entry_num. The index and the
//  counter must have no other use, the loop no continue, and every break
//  in it must follow an assignment of the result, which the function then
//  returns. Other such loops, and every call of
//  iommu_copy_struct_from_full_user_array() wherever it is, are only
//  reported, in patch mode too. A function that spatch cannot parse is
//  reported as such.
// Options: --no-includes --include-headers

virtual patch
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

NEEDLES = [r'\biommu_copy_struct_from_(full_)?user_array\b']
WHAT = "indexed loops over iommu_user_data_array are"

converted = set()
other = {}

def where(p):
    return (p[0].file, p[0].line, p[0].column)

@script:python depends on patch@
@@
mode[0] = "patch"

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

// Any loop over the entries by index
@loop@
identifier idx;
expression A, E, T, L;
position p;
@@

for@p (...; idx < A->entry_num; ...)
{
<+...
iommu_copy_struct_from_user_array(E, A, T, idx, L)
...+>
}

// The loop of Linux 6.12, with an index that starts at 0
@r@
identifier fn, array, idx, processed, e, ret;
expression T, last;
identifier l;
type TI;
position p, i1, i2, i3, i4, k1, k2;
@@

fn(...)
{
... when any
(
for@p (idx@i1 = 0; idx@i2 < array->entry_num; \(idx@i3++\|++idx@i3\))
{
	ret = iommu_copy_struct_from_user_array(&e, array, T, idx@i4, last);
	if (ret) \(break;\|goto l;\|return ret;\)
	...
	processed@k1++;
}
|
TI idx@i1 = 0;
... when != idx
for@p (; idx@i2 < array->entry_num; \(idx@i3++\|++idx@i3\))
{
	ret = iommu_copy_struct_from_user_array(&e, array, T, idx@i4, last);
	if (ret) \(break;\|goto l;\|return ret;\)
	...
	processed@k1++;
}
)
...
array->entry_num = processed@k2;
...
}

// Every use of the index or of the counter in the function
@uses@
identifier r.idx, r.processed;
position q;
@@

\(idx@q\|processed@q\)

@script:python@
p << r.p;
q << uses.q;
@@
if q[0].current_element == p[0].current_element:
    other.setdefault(where(p), set()).add(where(q))

@script:python@
p << r.p;
i1 << r.i1;
i2 << r.i2;
i3 << r.i3;
i4 << r.i4;
k1 << r.k1;
k2 << r.k2;
@@
if other.get(where(p), set()) - {where(x) for x in (i1, i2, i3, i4, k1, k2)}:
    cocci.include_match(False)

// A break that leaves the loop with the result of the function set
@okbrk@
identifier r.idx, r.array, r.ret;
position r.p;
expression E;
position b;
@@

for@p (...; idx < array->entry_num; \(idx++\|++idx\))
{
<+...
(
ret = E;
break@b;
|
if (ret) break@b;
)
...+>
}

@badbrk@
identifier r.idx, r.array;
position r.p;
position b != okbrk.b;
@@

for@p (...; idx < array->entry_num; \(idx++\|++idx\))
{
<+...
break@b;
...+>
}

@hascont@
identifier r.idx, r.array;
position r.p;
@@

for@p (...; idx < array->entry_num; \(idx++\|++idx\))
{
<+...
continue;
...+>
}

@conv depends on patch && !badbrk && !hascont@
identifier r.fn, r.array, r.idx, r.processed, r.e, r.ret, r.l;
expression r.T, r.last;
position r.p;
@@

fn(...)
{
...
- for@p (...; idx < array->entry_num; \(idx++\|++idx\))
+ while ((ret = iommu_user_array_next(array, T, &e, last)) > 0)
{
-	ret = iommu_copy_struct_from_user_array(&e, array, T, idx, last);
-	if (ret) \(break;\|goto l;\|return ret;\)
	...
-	processed++;
+	iommu_user_array_ack(array, 1);
}
...
- array->entry_num = processed;
...
}

@script:python depends on conv@
p << r.p;
@@
converted.add(where(p))

// Drop the counter and the index once nothing else uses them
@depends on conv@
identifier r.fn, r.processed;
type TP;
@@

fn(...)
{
... when any
- TP processed = 0;
... when != processed
}

@depends on conv@
identifier r.fn, r.idx;
type TI;
@@

fn(...)
{
... when any
(
- TI idx = 0;
|
- TI idx;
)
... when != idx
}

@depends on conv@
identifier r.fn, r.l;
@@

fn(...)
{
... when != goto l;
- l:
... when != goto l;
}

@ctx depends on context@
identifier idx;
expression A, E, T, L;
position loop.p;
@@

* for@p (...; idx < A->entry_num; ...)
{
<+...
iommu_copy_struct_from_user_array(E, A, T, idx, L)
...+>
}

// The whole array at once, however the copy is then walked
@full@
position p;
@@

iommu_copy_struct_from_full_user_array@p(...)

@depends on context@
position full.p;
@@

* iommu_copy_struct_from_full_user_array@p(...)

@script:python depends on report || org || patch@
p << full.p;
@@
emit(p[0], "%s copies the whole array with "
     "iommu_copy_struct_from_full_user_array(); use iommu_user_array_next() "
     "or iommu_user_array_fetch() and iommu_user_array_ack()%s" %
     (p[0].current_element, "; not converted" if mode[0] == "patch" else ""))

@script:python depends on report || org@
p << loop.p;
@@
emit(p[0], "%s indexes iommu_user_data_array up to entry_num with "
     "iommu_copy_struct_from_user_array(); use iommu_user_array_next() "
     "and iommu_user_array_ack()" % p[0].current_element)

@script:python depends on patch@
p << loop.p;
@@
if where(p) not in converted:
    emit(p[0], "%s indexes iommu_user_data_array up to entry_num with "
         "iommu_copy_struct_from_user_array(); not converted, use "
         "iommu_user_array_next() and iommu_user_array_ack() by hand" %
         p[0].current_element)
