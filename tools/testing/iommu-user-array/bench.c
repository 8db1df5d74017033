// SPDX-License-Identifier: GPL-2.0-only
/*
 * Micro-benchmark: the cost per entry of bringing user entries into a
 * driver's kernel array of 64 entries, through the iterator (batch fetch,
 * ack), through one copy_struct_from_user() per entry as drivers did in
 * 6.12, and through plain memcpy() of the same bytes as the floor. Linear
 * arrays, and full rings whose entries wrap at the middle of the run.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/iommu_user_array.h>
#include <linux/minmax.h>
#include <linux/uaccess.h>
#include "shim.h"

#define BATCH		64
#define TYPE		1
#define MIN_LEN		8
#define SAMPLES		5
#define PER_SAMPLE	BIT(21)		/* entries */

struct geo {
	const char *layout;
	u32 flags, num, head, tail;
	size_t len;
};

static u8 kdst[BATCH * 32];

/* Keep the copies: the compiler must assume kdst is read */
static inline void consume(void *p)
{
	asm volatile("" : : "r"(p) : "memory");
}

static void run_iter(const struct geo *g)
{
	struct iommu_user_data_array a;
	int rc;

	if (iommu_user_array_init(&a, TYPE, (void __user *)USPACE_BASE, g->len,
				  g->num, g->head, g->tail, g->flags))
		abort();
	while ((rc = __iommu_user_array_fetch(&a, TYPE, kdst, g->len, MIN_LEN,
					      BATCH)) > 0) {
		consume(kdst);
		iommu_user_array_ack(&a, rc);
	}
	if (rc || iommu_user_array_report(&a, NULL) != g->num)
		abort();
}

/* 6.12's struct iommu_user_data_array and its one-entry accessor */
struct old_array {
	unsigned int type;
	void __user *uptr;
	size_t entry_len;
	u32 entry_num;
};

static noinline int
copy_entry(const struct old_array *array, void *dst, size_t len,
	   unsigned int type, u32 index)
{
	if (array->type != type)
		return -EINVAL;
	return copy_struct_from_user(dst, len,
				     array->uptr + array->entry_len * index,
				     array->entry_len);
}

static void run_per_entry(const struct geo *g)
{
	struct old_array a = { TYPE, (void __user *)USPACE_BASE, g->len,
			       g->num };
	u32 i, slot = g->head % g->num;

	for (i = 0; i < g->num; i++) {
		if (copy_entry(&a, kdst + i % BATCH * g->len, g->len, TYPE,
			       slot))
			abort();
		if (i % BATCH == BATCH - 1 || i == g->num - 1)
			consume(kdst);
		if (++slot == g->num)
			slot = 0;
	}
}

static void run_memcpy(const struct geo *g)
{
	const u8 *src = uspace_data();
	u32 i, n, slot = g->head % g->num;

	for (i = 0; i < g->num; i += n) {
		n = min(min((u32)BATCH, g->num - i), g->num - slot);
		memcpy(kdst, src + slot * g->len, n * g->len);
		consume(kdst);
		slot += n;
		if (slot == g->num)
			slot = 0;
	}
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* The best of SAMPLES, each of about PER_SAMPLE entries */
static void measure(const char *name, void (*fn)(const struct geo *),
		    const struct geo *g)
{
	u32 reps = max(PER_SAMPLE / g->num, 1U), r, s;
	double t, best = 0;

	for (s = 0; s < SAMPLES; s++) {
		t = now_ns();
		for (r = 0; r < reps; r++)
			fn(g);
		t = (now_ns() - t) / ((double)reps * g->num);
		if (!s || t < best)
			best = t;
	}
	printf("bench name=%s-%s entries=%u len=%zu ns_per_entry=%.2f\n",
	       name, g->layout, g->num, g->len, best);
}

int main(void)
{
	static const u32 nums[] = { 1, 64, 4096 };
	static const size_t lens[] = { 16, 32 };
	struct geo g;
	size_t l, i, n;
	int ring;

	for (ring = 0; ring < 2; ring++) {
		for (n = 0; n < 3; n++) {
			for (l = 0; l < 2; l++) {
				g = (struct geo){ .layout = "linear",
						  .num = nums[n],
						  .tail = nums[n],
						  .len = lens[l] };
				if (ring) {
					/* Full, from the middle; one slot cannot wrap */
					g.layout = "ring";
					g.flags = IOMMU_USER_ARRAY_RING;
					g.head = g.num / 2 + (g.num == 1);
					g.tail = (g.head + g.num) % (2 * g.num);
				}
				uspace_reset(g.num * g.len);
				for (i = 0; i < g.num * g.len; i++)
					uspace_data()[i] = i * 7 + 1;
				measure("iter", run_iter, &g);
				measure("per-entry", run_per_entry, &g);
				measure("memcpy", run_memcpy, &g);
			}
		}
	}
	return 0;
}
