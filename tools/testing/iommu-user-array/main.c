// SPDX-License-Identifier: GPL-2.0-only
/*
 * Every array geometry of up to 8 slots through the iterator: linear arrays
 * of 0 to 8 entries and rings of 1, 2, 4 and 8 slots with every head and
 * tail, valid or not; entry lengths around the driver's struct, and above
 * PAGE_SIZE, which only an empty array takes; a fault or non-zero trailing
 * bytes at every slot; every batch size from 1 to 9; and a driver that fails
 * at every entry, acking per batch, per entry or at the end in turns. Each
 * call is checked against the model (harness.h).
 */
#include <limits.h>
#include <linux/uaccess.h>
#include "harness.h"

/* The driver's struct: 16 bytes, of which the first uAPI version had 8 */
struct test_entry {
	__u64 addr;
	__u32 len;
	__u32 flags;
};

#define KSIZE	sizeof(struct test_entry)
#define MIN_LEN	offsetofend(struct test_entry, addr)
#define MAX_NUM	8
#define NO_STOP	UINT_MAX

static const size_t lens[] = { 0, 4, 7, 8, 12, 16, 20, 24, 32 };
/*
 * Above PAGE_SIZE: refused with entries, valid without any; one that
 * truncates to a valid length in 32 bits, and the largest
 */
static const size_t big_lens[] = { PAGE_SIZE + 1, 2 * PAGE_SIZE,
				   (size_t)1 << 32 | KSIZE, SIZE_MAX };

/* What is wrong with the user memory of one slot */
enum pert {
	P_NONE,
	P_FAULT_ENTRY,		/* the whole entry unreadable */
	P_FAULT_MID,		/* one byte in the middle */
	P_FAULT_LAST,		/* its last byte, trailing if the entry is long */
	P_NONZERO,		/* first trailing byte non-zero */
	P_NONZERO_LAST,		/* last trailing byte non-zero */
	P_BOTH,			/* non-zero trailing byte, then a fault */
	NR_PERT,
};

static const char *const pert_name[] = {
	"none", "fault-entry", "fault-mid", "fault-last", "nonzero",
	"nonzero-last", "nonzero+fault",
};

enum ack_mode { ACK_BATCH, ACK_ENTRY, ACK_DEFERRED, NR_ACK };

static const char *const ack_name[] = { "batch", "entry", "deferred" };

/* The driver: fixed batches; handles entries until index stop fails */
struct plan {
	u32 batch, stop, pending;
	enum ack_mode mode;
};

static struct {
	u32 flags, num, head, tail, slot;
	unsigned long uptr;
	size_t elen;
	enum pert pert;
	struct plan *plan;
} cur;

static struct harness h;
static unsigned long nr_cases, nr_refused;

static void describe(FILE *f)
{
	fprintf(f, "%s entry_num %u head %u tail %u uptr %#lx entry_len %zu",
		cur.flags & IOMMU_USER_ARRAY_RING ? "ring" : "linear", cur.num,
		cur.head, cur.tail, cur.uptr, cur.elen);
	if (cur.flags & ~IOMMU_USER_ARRAY_RING)
		fprintf(f, " flags %#x", cur.flags);
	if (cur.pert)
		fprintf(f, " %s at slot %u", pert_name[cur.pert], cur.slot);
	if (cur.plan) {
		fprintf(f, " batch %u ack %s", cur.plan->batch,
			ack_name[cur.plan->mode]);
		if (cur.plan->stop != NO_STOP)
			fprintf(f, " fails at entry %u", cur.plan->stop);
	}
}

static u32 plan_batch(void *ctx, u32 call)
{
	return ((struct plan *)ctx)->batch;
}

static bool plan_handle(struct harness *h, void *ctx, u32 got)
{
	struct plan *p = ctx;
	u32 before = h->fetched - got, n, i;

	n = p->stop > before ? min(got, p->stop - before) : 0;
	switch (p->mode) {
	case ACK_BATCH:
		h_ack(h, n);
		break;
	case ACK_ENTRY:
		for (i = 0; i < n; i++)
			h_ack(h, 1);
		break;
	default:
		p->pending += n;
	}
	return n == got;
}

static void plan_finish(struct harness *h, void *ctx)
{
	struct plan *p = ctx;

	h_ack(h, p->pending);
}

/* Through the macros, as a driver calls them */
static int fetch_test_entry(struct iommu_user_data_array *array,
			    unsigned int type, void *kdst, u32 max)
{
	struct test_entry *e = kdst;

	if (max == 1)
		return iommu_user_array_next(array, type, e, addr);
	return iommu_user_array_fetch(array, type, e, max, addr);
}

static const struct driver plan_driver = {
	.batch = plan_batch,
	.handle = plan_handle,
	.finish = plan_finish,
	.fetch = fetch_test_entry,
};

static bool pert_applies(enum pert pert, size_t elen)
{
	if (pert == P_NONE)
		return true;
	if (elen < MIN_LEN)
		return false;	/* refused before any entry is read */
	return pert < P_NONZERO || elen > KSIZE;
}

/* Distinct non-zero contents in every slot, zero trailing bytes */
static void setup_user(u32 num, size_t elen, enum pert pert, u32 slot)
{
	size_t j, at = (size_t)slot * elen;
	u8 *data;
	u32 s;

	uspace_reset((size_t)num * elen);
	data = uspace_data();
	for (s = 0; s < num; s++)
		for (j = 0; j < elen && j < KSIZE; j++)
			data[s * elen + j] = (0x11 + s * 0x35 + j * 7) | 1;
	switch (pert) {
	case P_NONE:
		break;
	case P_FAULT_ENTRY:
		uspace_set_readable(at, elen, false);
		break;
	case P_FAULT_MID:
		uspace_set_readable(at + elen / 2, 1, false);
		break;
	case P_FAULT_LAST:
		uspace_set_readable(at + elen - 1, 1, false);
		break;
	case P_NONZERO:
		data[at + KSIZE] = 0x5a;
		break;
	case P_NONZERO_LAST:
		data[at + elen - 1] = 0x5a;
		break;
	case P_BOTH:
		data[at + KSIZE] = 0x5a;
		uspace_set_readable(at + elen - 1, 1, false);
		break;
	default:
		abort();
	}
}

/* The entries before the first bad one: what a perfect driver handles */
static u32 first_bad(void)
{
	u8 ent[MAX_KSIZE];
	int err, alt;

	if (h.m.elen < MIN_LEN)
		return 0;
	return model_good_run(&h.m, 0, h.m.count, ent, &err, &alt);
}

static void run_plan(struct plan *p)
{
	u32 expect;

	cur.plan = p;
	nr_cases++;
	/* Every other case with copies that stop short of a fault */
	copy_granule = nr_cases & 1 ? 64 : 1;
	if (!h_run(&h, &plan_driver, p, cur.flags, cur.uptr, cur.elen,
		   cur.num, cur.head, cur.tail, KSIZE, MIN_LEN)) {
		nr_refused++;
		return;
	}
	/* What user space is told: every entry before the failure */
	expect = min(p->stop, first_bad());
	H_CHECK(&h, h.done == expect && h.done_head == model_pos(&h.m, expect),
		"report() = %u head %u at the end, expected %u head %u",
		h.done, h.done_head, expect, model_pos(&h.m, expect));
	if (p->stop == NO_STOP)
		H_CHECK(&h, h.fetched == expect, "%u entries fetched", h.fetched);
}

/*
 * The geometry of cur with entry lengths above PAGE_SIZE, with a buffer and
 * without: init() refuses it if it has entries, and an empty array is driven
 * to its end with no user memory at all.
 */
static void run_big_lens(void)
{
	static const unsigned long uptrs[] = { USPACE_BASE, 0 };
	struct plan p = { .batch = 1, .stop = NO_STOP };
	size_t l, u;
	struct model m;
	u32 batch;

	cur.pert = P_NONE;
	uspace_reset(0);
	for (u = 0; u < ARRAY_SIZE(uptrs); u++) {
		for (l = 0; l < ARRAY_SIZE(big_lens); l++) {
			cur.uptr = uptrs[u];
			cur.elen = big_lens[l];
			if (model_init(&m, cur.flags, cur.uptr, cur.elen,
				       cur.num, cur.head, cur.tail)) {
				run_plan(&p);	/* init() must refuse it */
				continue;
			}
			H_CHECK(&h, !m.count,
				"the model took %u entries of %zu bytes",
				m.count, cur.elen);
			for (batch = 1; batch <= MAX_NUM + 1; batch++) {
				p = (struct plan){ .batch = batch,
						   .stop = batch & 1 ? NO_STOP : 0,
						   .mode = batch % NR_ACK };
				run_plan(&p);
			}
		}
	}
	cur.uptr = USPACE_BASE;
}

static void run_geometry(u32 flags, u32 num, u32 head, u32 tail)
{
	struct plan p = { .batch = 1, .stop = NO_STOP };
	struct model m;
	u32 slot, batch, stop;
	enum pert pert;
	size_t l;

	cur.flags = flags;
	cur.num = num;
	cur.head = head;
	cur.tail = tail;
	cur.uptr = USPACE_BASE;
	for (l = 0; l < ARRAY_SIZE(lens); l++) {
		cur.elen = lens[l];
		cur.pert = P_NONE;
		if (model_init(&m, flags, cur.uptr, cur.elen, num, head, tail)) {
			run_plan(&p);	/* init() must refuse it */
			continue;
		}
		for (pert = P_NONE; pert < NR_PERT; pert++) {
			if (!pert_applies(pert, cur.elen))
				continue;
			cur.pert = pert;
			for (slot = 0; slot < (pert ? num : 1); slot++) {
				cur.slot = slot;
				setup_user(num, cur.elen, pert, slot);
				for (batch = 1; batch <= MAX_NUM + 1; batch++)
					for (stop = 0; stop <= m.count + 1; stop++) {
						/* Ack modes take turns */
						p = (struct plan){
							.batch = batch,
							.stop = stop > m.count ?
								NO_STOP : stop,
							.mode = (batch + stop + slot) %
								NR_ACK,
						};
						run_plan(&p);
					}
			}
		}
	}
	run_big_lens();
	cur.pert = P_NONE;
	cur.plan = NULL;
}

static void test_geometries(void)
{
	u32 num, head, tail;

	for (num = 0; num <= MAX_NUM; num++)
		for (head = 0; head <= 2; head++)
			for (tail = 0; tail <= num + 1; tail++)
				run_geometry(0, num, head, tail);
	/* Every power of two up to 8 and the numbers between, refused */
	for (num = 0; num <= MAX_NUM + 1; num++)
		for (head = 0; head < 2 * num + 2; head++)
			for (tail = 0; tail < 2 * num + 2; tail++)
				run_geometry(IOMMU_USER_ARRAY_RING, num, head,
					     tail);
}

/* init() alone, for geometries too large to drive */
static void check_init(u32 flags, unsigned long uptr, size_t elen, u32 num,
		       u32 head, u32 tail)
{
	struct iommu_user_data_array array;
	struct model m;
	int rc, exp;

	cur.flags = flags;
	cur.uptr = uptr;
	cur.elen = elen;
	cur.num = num;
	cur.head = head;
	cur.tail = tail;
	nr_cases++;
	exp = model_init(&m, flags, uptr, elen, num, head, tail);
	rc = iommu_user_array_init(&array, TEST_TYPE, (void __user *)uptr,
				   elen, num, head, tail, flags);
	H_CHECK(&h, rc == exp, "init() = %d, expected %d", rc, exp);
	nr_refused += !!rc;
	if (!rc)
		H_CHECK(&h, iommu_user_array_count(&array) == m.count,
			"count() = %u", iommu_user_array_count(&array));
}

static void test_init(void)
{
	static const unsigned long uptrs[] = { 0, 1, USPACE_BASE, ~0UL };
	static const size_t elens[] = { 0, 1, PAGE_SIZE, PAGE_SIZE + 1,
					(size_t)1 << 32, SIZE_MAX };
	const u32 max = IOMMU_USER_ARRAY_MAX_ENTRIES;
	size_t i, j;
	u32 bit;

	/* Empty arrays are valid whatever the buffer: user space probes */
	for (i = 0; i < ARRAY_SIZE(uptrs); i++) {
		for (j = 0; j < ARRAY_SIZE(elens); j++) {
			check_init(0, uptrs[i], elens[j], 0, 0, 0);
			check_init(IOMMU_USER_ARRAY_RING, uptrs[i], elens[j],
				   4, 5, 5);
			/* At the cap; above it, or not a power of two, not */
			check_init(IOMMU_USER_ARRAY_RING, uptrs[i], elens[j],
				   max, 2 * max - 1, 2 * max - 1);
			check_init(IOMMU_USER_ARRAY_RING, uptrs[i], elens[j],
				   2 * max, 0, 0);
			check_init(IOMMU_USER_ARRAY_RING, uptrs[i], elens[j],
				   1U << 31, 0, 0);
			check_init(IOMMU_USER_ARRAY_RING, uptrs[i], elens[j],
				   0, 0, 0);
			check_init(IOMMU_USER_ARRAY_RING, uptrs[i], elens[j],
				   3, 1, 1);
			/* With entries, only a buffer and 1..PAGE_SIZE */
			check_init(0, uptrs[i], elens[j], 1, 0, 1);
			check_init(IOMMU_USER_ARRAY_RING, uptrs[i], elens[j],
				   4, 5, 4);
		}
	}
	/* Entries need a buffer and a length */
	check_init(0, 0, 16, 4, 0, 4);
	check_init(0, USPACE_BASE, 0, 4, 0, 4);
	check_init(IOMMU_USER_ARRAY_RING, 0, 16, 4, 7, 1);
	check_init(IOMMU_USER_ARRAY_RING, USPACE_BASE, 0, 4, 7, 1);
	for (bit = 1; bit < 32; bit++) {
		check_init(1U << bit, USPACE_BASE, 16, 4, 0, 4);
		check_init(1U << bit | IOMMU_USER_ARRAY_RING, USPACE_BASE, 16,
			   4, 0, 4);
	}
	/* The caps, and no overflow at them */
	check_init(0, USPACE_BASE, PAGE_SIZE, max, 0, max);
	check_init(0, USPACE_BASE, PAGE_SIZE + 1, max, 0, max);
	check_init(0, USPACE_BASE, 16, max + 1, 0, max + 1);
	check_init(0, USPACE_BASE, 16, ~0U, 0, ~0U);
	for (i = 0; i < 3; i++) {
		check_init(IOMMU_USER_ARRAY_RING, USPACE_BASE, PAGE_SIZE, max,
			   i * max / 2, (i * max / 2 + max) % (2 * max));
		check_init(IOMMU_USER_ARRAY_RING, USPACE_BASE, PAGE_SIZE, max,
			   2 * max - i, max - i);
		check_init(IOMMU_USER_ARRAY_RING, USPACE_BASE, 16, max * 2,
			   i, i + 1);
		check_init(IOMMU_USER_ARRAY_RING, USPACE_BASE, 16, 1U << 31,
			   i, i + 1);
		check_init(IOMMU_USER_ARRAY_RING, USPACE_BASE, 16, max,
			   2 * max + i, 0);
		check_init(IOMMU_USER_ARRAY_RING, USPACE_BASE, 16, max,
			   0, ~0U - i);
	}
}

static int misuse(void *kdst, size_t min_len, u32 max)
{
	return __iommu_user_array_fetch_inline(&h.array, TEST_TYPE, kdst, KSIZE,
					       min_len, max);
}

/* A driver's mistakes warn and fail without changing the array */
static void test_misuse(void)
{
	struct plan p = { .batch = 1, .stop = NO_STOP };
	struct test_entry e[2];
	unsigned long warns;
	u32 pos;

	cur = (typeof(cur)){ .flags = IOMMU_USER_ARRAY_RING, .num = 4,
			     .head = 6, .tail = 1, .uptr = USPACE_BASE,
			     .elen = KSIZE };
	setup_user(4, KSIZE, P_NONE, 0);
	nr_cases++;
	if (iommu_user_array_init(&h.array, TEST_TYPE, (void *)USPACE_BASE,
				  KSIZE, 4, 6, 1, IOMMU_USER_ARRAY_RING))
		H_CHECK(&h, 0, "init() refused a ring");
	warns = nr_warn;
	/* The arguments are checked inline, where they are constants */
	H_CHECK(&h, misuse(e, MIN_LEN, 0) == -EINVAL, "fetch(0)");
	H_CHECK(&h, misuse(NULL, MIN_LEN, 1) == -EINVAL, "fetch(NULL)");
	H_CHECK(&h, misuse(e, 0, 1) == -EINVAL, "fetch() with a zero min_len");
	H_CHECK(&h, misuse(e, KSIZE + 1, 1) == -EINVAL,
		"fetch() with min_len above the struct");
	H_CHECK(&h, nr_warn == warns + 4, "%lu warnings, expected 4",
		nr_warn - warns);
	H_CHECK(&h, iommu_user_array_report(&h.array, &pos) == 0 && pos == 6,
		"report() after misuse");
	/* And the array still works from its first entry */
	run_plan(&p);
}

/*
 * A run whose copy stops short of a fault before its first entry ends judges
 * that entry alone: it must still come back zero-extended to a kernel struct
 * more than twice its size, whatever the buffer held before.
 */
static void test_short_copy_retry(void)
{
	struct iommu_user_data_array a;
	u8 kdst[2][32];
	int rc, i;

	nr_cases++;
	memset(kdst, 0xff, sizeof(kdst));
	uspace_reset(16);
	uspace_data()[0] = 1;
	uspace_set_readable(8, 8, false);
	copy_granule = 64;
	if (iommu_user_array_init(&a, TEST_TYPE, (void *)USPACE_BASE, 8, 2, 0,
				  2, 0))
		H_CHECK(&h, 0, "init() refused a linear array");
	rc = __iommu_user_array_fetch(&a, TEST_TYPE, kdst, 32, 8, 2);
	copy_granule = 1;
	H_CHECK(&h, rc == 1 && kdst[0][0] == 1,
		"fetch() after a short copy = %d", rc);
	for (i = 1; i < 32; i++)
		H_CHECK(&h, !kdst[0][i], "byte %d of a retried entry is %#x", i,
			kdst[0][i]);
}

/*
 * Stopping early, and resuming as user space does after each outcome of
 * Documentation/userspace-api/iommufd.rst: all handled, head at tail; a
 * hand-back, user space carries out the entry at head and resumes at
 * head + 1; a notification, user space signals the entry before head and
 * resumes at head. Each entry holds its slot and its class; the driver
 * below hands back the class VMM and stops after the class SIGNAL, and the
 * loop checks that every entry is handled once, in order, by the one it
 * belongs to, in one call per stop before the end.
 */
enum { CLS_ISSUE, CLS_VMM, CLS_SIGNAL, NR_CLS };

/* What happened to each entry, in order: slot * NR_CLS + class */
static struct {
	u32 ev[4 * MAX_NUM], n;
} trail;

static void trail_add(u32 slot, u32 cls)
{
	H_CHECK(&h, trail.n < ARRAY_SIZE(trail.ev), "more events than entries");
	trail.ev[trail.n++] = slot * NR_CLS + cls;
}

/* A driver that consumes a guest's queue in batches of @batch */
static int stop_driver(struct iommu_user_data_array *a, u32 batch)
{
	struct test_entry e[3];
	int rc, i;

	while ((rc = iommu_user_array_fetch(a, TEST_TYPE, e, batch, addr)) > 0) {
		for (i = 0; i < rc; i++) {
			if (e[i].flags == CLS_VMM) {
				iommu_user_array_stop(a,
						      IOMMU_USER_ARRAY_STOP_HANDBACK);
				return 0;
			}
			trail_add(e[i].addr, CLS_ISSUE);
			iommu_user_array_ack(a, 1);
			if (e[i].flags == CLS_SIGNAL) {
				iommu_user_array_stop(a,
						      IOMMU_USER_ARRAY_STOP_NOTIFY);
				return 0;
			}
		}
	}
	return rc;
}

/* Class of the i-th entry of the case numbered @pattern, base NR_CLS */
static u32 cls_of(u32 pattern, u32 i)
{
	while (i--)
		pattern /= NR_CLS;
	return pattern % NR_CLS;
}

static void run_stops(bool ring, u32 num, u32 head, u32 count, u32 pattern,
		      u32 batch)
{
	u32 pos_mask = 2 * num - 1, tail, pos, left, calls = 0, stops = 0;
	u32 i, slot, next, done, why, want = 0;
	struct test_entry *ent;
	unsigned long warns = nr_warn;
	u32 exp[4 * MAX_NUM];

	tail = ring ? (head + count) & pos_mask : count;
	cur = (typeof(cur)){ .flags = ring ? IOMMU_USER_ARRAY_RING : 0,
			     .num = num, .head = head, .tail = tail,
			     .uptr = USPACE_BASE, .elen = KSIZE };
	cur.plan = NULL;
	uspace_reset(num * KSIZE);
	ent = (struct test_entry *)uspace_data();
	for (i = 0; i < count; i++) {
		slot = ring ? (head + i) % num : i;
		ent[slot].addr = slot;
		ent[slot].flags = cls_of(pattern, i);
		exp[want++] = slot * NR_CLS + (ent[slot].flags == CLS_VMM ?
					       CLS_VMM : CLS_ISSUE);
		if (ent[slot].flags == CLS_SIGNAL)
			exp[want++] = slot * NR_CLS + CLS_SIGNAL;
		if (ent[slot].flags != CLS_ISSUE && i + 1 < count)
			stops++;
	}
	nr_cases++;
	trail.n = 0;
	/* User space's loop: a linear array resumes at the entry at head */
	pos = ring ? head : 0;
	left = count;
	while (ring ? pos != tail : left) {
		H_CHECK(&h, ++calls <= count, "call %u for %u entries", calls,
			count);
		if (iommu_user_array_init(&h.array, TEST_TYPE,
					  (void *)(USPACE_BASE +
						   (ring ? 0 : pos * KSIZE)),
					  KSIZE, ring ? num : left,
					  ring ? pos : 0, ring ? tail : left,
					  cur.flags))
			H_CHECK(&h, 0, "init() refused call %u at %u", calls,
				pos);
		H_CHECK(&h, iommu_user_array_stopped(&h.array) == 0,
			"a new array has a stop reason");
		H_CHECK(&h, stop_driver(&h.array, batch) == 0,
			"the driver failed call %u", calls);
		done = iommu_user_array_report(&h.array, &next);
		why = iommu_user_array_stopped(&h.array);
		if (!ring)
			next = done;
		switch (why) {
		case 0:
			H_CHECK(&h, ring ? next == tail : done == left,
				"call %u: all handled but head %u, tail %u",
				calls, next, tail);
			break;
		case IOMMU_USER_ARRAY_STOP_HANDBACK:
			H_CHECK(&h, ring ? next != tail : done < left,
				"call %u: handed back with nothing left",
				calls);
			slot = ring ? next % num : pos + next;
			trail_add(ent[slot].addr, CLS_VMM);
			next++;
			break;
		case IOMMU_USER_ARRAY_STOP_NOTIFY:
			H_CHECK(&h, done > 0, "call %u: notify with nothing handled",
				calls);
			slot = ring ? (next - 1) % num : pos + next - 1;
			trail_add(ent[slot].addr, CLS_SIGNAL);
			break;
		default:
			H_CHECK(&h, 0, "call %u: stop reason %u", calls, why);
		}
		if (ring) {
			pos = next & pos_mask;
		} else {
			pos += next;
			left -= next;
		}
	}
	H_CHECK(&h, nr_warn == warns, "%lu warnings", nr_warn - warns);
	H_CHECK(&h, calls == (count ? 1 + stops : 0),
		"%u calls for %u entries with %u stops before the end",
		calls, count, stops);
	H_CHECK(&h, trail.n == want && !memcmp(trail.ev, exp, want * 4),
		"%u events, expected %u, or out of order (class pattern %u)",
		trail.n, want, pattern);
}

/* A reason that cannot hold is refused with a warning, and reads as 0 */
static void check_refused(u32 count, u32 ack, u32 why, u32 expect)
{
	unsigned long warns = nr_warn;
	struct test_entry e[MAX_NUM];

	nr_cases++;
	cur = (typeof(cur)){ .flags = IOMMU_USER_ARRAY_RING, .num = MAX_NUM,
			     .head = 3, .tail = 3 + count,
			     .uptr = USPACE_BASE, .elen = KSIZE };
	uspace_reset(MAX_NUM * KSIZE);
	if (iommu_user_array_init(&h.array, TEST_TYPE, (void *)USPACE_BASE,
				  KSIZE, MAX_NUM, 3, 3 + count,
				  IOMMU_USER_ARRAY_RING))
		H_CHECK(&h, 0, "init() refused a ring");
	if (count)
		H_CHECK(&h, iommu_user_array_fetch(&h.array, TEST_TYPE, e,
						   MAX_NUM, addr) == count,
			"fetch() of %u entries", count);
	iommu_user_array_ack(&h.array, ack);
	iommu_user_array_stop(&h.array, why);
	H_CHECK(&h, iommu_user_array_stopped(&h.array) == expect &&
		nr_warn == warns + !expect,
		"stop(%u) after %u of %u: stopped() %u, %lu warnings", why,
		ack, count, iommu_user_array_stopped(&h.array),
		nr_warn - warns);
}

static void test_stops(void)
{
	static const u32 rings[] = { 1, 2, 4, 8 };
	u32 r, num, head, count, pattern, patterns, i;

	for (r = 0; r < ARRAY_SIZE(rings); r++) {
		num = rings[r];
		for (head = 0; head < 2 * num; head++)
			for (count = 0, patterns = 1; count <= num;
			     count++, patterns *= NR_CLS)
				for (pattern = 0; pattern < patterns; pattern++)
					run_stops(true, num, head, count,
						  pattern, 1 + pattern % 3);
	}
	for (count = 0, patterns = 1; count <= MAX_NUM;
	     count++, patterns *= NR_CLS)
		for (pattern = 0; pattern < patterns; pattern++)
			run_stops(false, MAX_NUM, 0, count, pattern,
				  1 + pattern % 3);

	check_refused(4, 4, IOMMU_USER_ARRAY_STOP_HANDBACK, 0);
	check_refused(0, 0, IOMMU_USER_ARRAY_STOP_HANDBACK, 0);
	check_refused(4, 0, IOMMU_USER_ARRAY_STOP_NOTIFY, 0);
	check_refused(0, 0, IOMMU_USER_ARRAY_STOP_NOTIFY, 0);
	check_refused(4, 0, IOMMU_USER_ARRAY_STOP_HANDBACK,
		      IOMMU_USER_ARRAY_STOP_HANDBACK);
	check_refused(4, 4, IOMMU_USER_ARRAY_STOP_NOTIFY,
		      IOMMU_USER_ARRAY_STOP_NOTIFY);
	/* 3 is both reasons at once */
	for (i = 3; i <= 8; i++)
		if (i != IOMMU_USER_ARRAY_STOP_HANDBACK &&
		    i != IOMMU_USER_ARRAY_STOP_NOTIFY)
			check_refused(4, 2, i, 0);
}

int main(void)
{
	h.describe = describe;
	test_init();
	test_misuse();
	test_short_copy_retry();
	test_geometries();
	test_stops();
	printf("iommu-user-array: %lu cases (%lu refused by init), ",
	       nr_cases, nr_refused);
	printf("%lu fetches, ", h.fetches);
	printf("%lu copy_from_user(), %lu warnings: PASS\n",
	       nr_copy_from_user, nr_warn);
	return 0;
}
