/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runs one array through the iterator as a driver would and checks every
 * call against the model: what init() accepts, each fetch's result and
 * entries, the number of copy_from_user() calls, the warnings, and what
 * report() tells user space after every ack. main.c and fuzz.c differ only
 * in how they choose the arrays and the driver's batches and acks.
 */
#ifndef _HARNESS_H
#define _HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/iommu_user_array.h>
#include <linux/minmax.h>
#include "model.h"

#define TEST_TYPE	3
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_KSIZE	256

struct harness;

struct driver {
	/* The max of the call-th fetch, at least 1 */
	u32 (*batch)(void *ctx, u32 call);
	/* Handle the got entries just fetched, acking with h_ack(); false stops */
	bool (*handle)(struct harness *h, void *ctx, u32 got);
	/* Once the driver stopped fetching; may be NULL */
	void (*finish)(struct harness *h, void *ctx);
	/* Fetch into the driver's struct; NULL for the model's sizes */
	int (*fetch)(struct iommu_user_data_array *array, unsigned int type,
		     void *kdst, u32 max);
};

struct harness {
	struct iommu_user_data_array array;
	struct model m;
	u32 fetched, acked;	/* the driver's view */
	int end;		/* what the last fetch gave if it was <= 0 */
	u32 done, done_head;	/* report() once the driver finished */
	unsigned long fetches;
	void (*describe)(FILE *f); /* the case, for failure messages */
	bool abort;		/* abort() on failure, for libFuzzer */
};

static __printf(5, 6) void h_fail(struct harness *h, const char *file,
				  int line, const char *cond,
				  const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "iommu-user-array: FAIL (%s:%d): %s: ", file, line,
		cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  fetched %u acked %u\n  case: ", h->fetched,
		h->acked);
	if (h->describe)
		h->describe(stderr);
	fprintf(stderr, "\n");
	if (h->abort)
		abort();
	exit(1);
}

#define H_CHECK(h, cond, fmt, ...)					\
	do {								\
		if (!(cond))						\
			h_fail(h, __FILE__, __LINE__, #cond, fmt,	\
			       ##__VA_ARGS__);				\
	} while (0)

static int h_fetch(struct harness *h, const struct driver *d,
		   unsigned int type, void *kdst, u32 max)
{
	if (d->fetch)
		return d->fetch(&h->array, type, kdst, max);
	/* What iommu_user_array_fetch() calls, inline part included */
	return __iommu_user_array_fetch_inline(&h->array, type, kdst,
					       h->m.ksize, h->m.min_len, max);
}

/* The contiguous runs of slots that the next n entries span */
static unsigned long h_runs(const struct harness *h, u32 n)
{
	return h->m.ring && model_slot(&h->m, h->fetched) + n > h->m.num ?
	       2 : 1;
}

/* One fetch of up to max entries, checked; returns what it returned */
static int h_step(struct harness *h, const struct driver *d, u32 max)
{
	const struct model *m = &h->m;
	size_t kbytes = (size_t)max * m->ksize;
	unsigned long copies = nr_copy_from_user, resched = nr_cond_resched;
	unsigned long warns = nr_warn;
	u32 want = min(max, m->count - h->fetched), good, i;
	u8 *kdst = malloc(kbytes), ent[MAX_KSIZE];
	int rc, err, alt, retry;

	/* Poisoned, to catch bytes that are not zero-extended */
	memset(kdst, 0xa5, kbytes);
	rc = h_fetch(h, d, TEST_TYPE, kdst, max);
	h->fetches++;
	copies = nr_copy_from_user - copies;
	H_CHECK(h, nr_warn == warns, "fetch(%u) warned", max);
	if (!want) {
		H_CHECK(h, rc == 0, "fetch(%u) = %d with no entries left",
			max, rc);
		H_CHECK(h, !copies, "fetch(%u) read user memory", max);
	} else if (m->elen < m->min_len) {
		H_CHECK(h, rc == -EINVAL, "fetch(%u) = %d, entry_len %zu < %zu",
			max, rc, m->elen, m->min_len);
		H_CHECK(h, !copies, "fetch(%u) read user memory", max);
	} else {
		good = model_good_run(m, h->fetched, want, ent, &err, &alt);
		if (!good)
			H_CHECK(h, rc == err || (alt && rc == alt),
				"fetch(%u) = %d, expected %d (or %d) for entry %u",
				max, rc, err, alt, h->fetched);
		else if (m->elen <= m->ksize && copy_granule == 1)
			H_CHECK(h, rc == (int)good,
				"fetch(%u) = %d, expected %u", max, rc, good);
		else
			H_CHECK(h, rc >= 1 && rc <= (int)good,
				"fetch(%u) = %d, expected 1..%u", max, rc, good);
		/* Long arrays are served a batch per call: yield between */
		H_CHECK(h, (nr_cond_resched != resched) == (h->fetched != 0),
			"fetch(%u) %s cond_resched() after %u fetched", max,
			h->fetched ? "did not" : "did", h->fetched);
		/*
		 * One copy_from_user() per contiguous run, two at a wrap, and
		 * one more when a run cannot read its first entry.
		 */
		retry = rc < (int)want;
		if (m->elen <= m->ksize)
			H_CHECK(h, copies <= h_runs(h, want) + retry &&
				(rc <= 0 || copies >= h_runs(h, rc)),
				"fetch(%u) = %d with %lu copy_from_user()",
				max, rc, copies);
	}
	for (i = 0; rc > 0 && i < (u32)rc; i++) {
		model_entry(m, h->fetched + i, ent, &err);
		H_CHECK(h, !memcmp(kdst + i * m->ksize, ent, m->ksize),
			"fetch(%u) = %d: entry %u (slot %u) differs", max, rc,
			h->fetched + i, model_slot(m, h->fetched + i));
	}
	free(kdst);
	if (rc > 0)
		h->fetched += rc;
	H_CHECK(h, iommu_user_array_count(&h->array) == m->count,
		"count() changed");
	return rc;
}

/* Ack n entries, then check what report() would tell user space */
static void h_ack(struct harness *h, u32 n)
{
	u32 pending = h->fetched - h->acked, done, head = ~0U;
	unsigned long warns = nr_warn;

	iommu_user_array_ack(&h->array, n);
	/* Only fetched entries can be acked: more warns and is dropped */
	H_CHECK(h, nr_warn == warns + (n > pending),
		"ack(%u) with %u pending: %lu warnings", n, pending,
		nr_warn - warns);
	h->acked += min(n, pending);
	done = iommu_user_array_report(&h->array, &head);
	H_CHECK(h, done == h->acked && head == model_pos(&h->m, h->acked),
		"report() = %u head %u, expected %u head %u", done, head,
		h->acked, model_pos(&h->m, h->acked));
	H_CHECK(h, iommu_user_array_report(&h->array, NULL) == done,
		"report(NULL) differs");
	H_CHECK(h, nr_warn == warns + (n > pending), "report() warned");
}

/*
 * Build the array with init() and, if the model accepts it too, drive it to
 * its end. Returns whether init() accepted it.
 */
static bool h_run(struct harness *h, const struct driver *d, void *ctx,
		  u32 flags, unsigned long uptr, size_t elen, u32 num,
		  u32 head, u32 tail, size_t ksize, size_t min_len)
{
	unsigned long copies = nr_copy_from_user, warns = nr_warn;
	u32 call, max = 1, pos = ~0U;
	void *kdst;
	int rc, exp;

	exp = model_init(&h->m, flags, uptr, elen, num, head, tail);
	rc = iommu_user_array_init(&h->array, TEST_TYPE, (void __user *)uptr,
				   elen, num, head, tail, flags);
	H_CHECK(h, rc == exp, "init() = %d, expected %d", rc, exp);
	H_CHECK(h, nr_copy_from_user == copies && nr_warn == warns,
		"init() read user memory or warned");
	if (rc)
		return false;
	h->m.ksize = ksize;
	h->m.min_len = min_len;
	h->fetched = 0;
	h->acked = 0;
	h->end = 1;
	H_CHECK(h, iommu_user_array_count(&h->array) == h->m.count,
		"count() = %u, expected %u", iommu_user_array_count(&h->array),
		h->m.count);
	H_CHECK(h, iommu_user_array_report(&h->array, &pos) == 0 &&
		pos == model_pos(&h->m, 0), "report() before any ack");

	/* Another type is refused before anything, even with no entries */
	kdst = malloc(ksize);
	rc = h_fetch(h, d, TEST_TYPE + 1, kdst, 1);
	free(kdst);
	H_CHECK(h, rc == -EINVAL && nr_copy_from_user == copies &&
		nr_warn == warns, "fetch() of another type = %d", rc);

	for (call = 0;; call++) {
		max = d->batch(ctx, call);
		rc = h_step(h, d, max);
		if (rc <= 0) {
			h->end = rc;
			break;
		}
		if (!d->handle(h, ctx, rc))
			break;
	}
	/* Once the stream ended, it stays ended at the same entry */
	if (h->end <= 0)
		H_CHECK(h, h_step(h, d, max) == h->end,
			"fetch(%u) again did not give %d", max, h->end);
	if (d->finish)
		d->finish(h, ctx);
	h->done = iommu_user_array_report(&h->array, &h->done_head);

	h_ack(h, h->fetched - h->acked + 1);
	H_CHECK(h, h->acked == h->fetched, "not every fetched entry acked");
	return true;
}

#endif
