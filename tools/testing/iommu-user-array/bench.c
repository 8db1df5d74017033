// SPDX-License-Identifier: GPL-2.0-only
/*
 * Micro-benchmark: the cost per entry of bringing user entries into a
 * driver's kernel array of 64 entries, through the iterator (batch fetch,
 * ack), through one copy_struct_from_user() per entry as drivers did in
 * 6.12, and through plain memcpy() of the same bytes as the floor. Linear
 * arrays, and full rings whose entries wrap at the middle of the run.
 *
 * "benchmark METHOD LAYOUT ENTRIES LEN REPS" runs one method REPS times
 * untimed, for counting its instructions under callgrind (callgrind.sh).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/iommu_user_array.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/uaccess.h>
#include "shim.h"

#define BATCH		64
#define TYPE		1
#define MIN_LEN		8
#define SAMPLES		5
#define PER_SAMPLE	BIT(21)		/* entries */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

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

static noinline void run_iter(const struct geo *g)
{
	struct iommu_user_data_array a;
	int rc;

	if (iommu_user_array_init(&a, TYPE, (void __user *)USPACE_BASE, g->len,
				  g->num, g->head, g->tail, g->flags))
		abort();
	while ((rc = __iommu_user_array_fetch_inline(&a, TYPE, kdst, g->len,
						     MIN_LEN, BATCH)) > 0) {
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

static noinline void run_per_entry(const struct geo *g)
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

static noinline void run_memcpy(const struct geo *g)
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

/* Full, from the middle, so the run wraps; one slot cannot wrap */
static void make_geo(struct geo *g, bool ring, u32 num, size_t len)
{
	size_t i;

	*g = (struct geo){ .layout = "linear", .num = num, .tail = num,
			   .len = len };
	if (ring) {
		g->layout = "ring";
		g->flags = IOMMU_USER_ARRAY_RING;
		g->head = num / 2 + (num == 1);
		g->tail = (g->head + num) % (2 * num);
	}
	uspace_reset(num * len);
	for (i = 0; i < num * len; i++)
		uspace_data()[i] = i * 7 + 1;
}

static const struct {
	const char *name;
	void (*fn)(const struct geo *g);
} methods[] = {
	{ "iter", run_iter },
	{ "per-entry", run_per_entry },
	{ "memcpy", run_memcpy },
};

static int run_once(char **argv)
{
	u32 num = strtoul(argv[3], NULL, 0), reps = strtoul(argv[5], NULL, 0);
	size_t len = strtoul(argv[4], NULL, 0), m;
	struct geo g;

	if (!num || num > 4096 || !is_power_of_2(num) || len < MIN_LEN ||
	    len > 32 || (strcmp(argv[2], "ring") && strcmp(argv[2], "linear")))
		return 2;
	make_geo(&g, !strcmp(argv[2], "ring"), num, len);
	for (m = 0; m < ARRAY_SIZE(methods); m++)
		if (!strcmp(argv[1], methods[m].name))
			break;
	if (m == ARRAY_SIZE(methods))
		return 2;
	while (reps--)
		methods[m].fn(&g);
	return 0;
}

int main(int argc, char **argv)
{
	static const u32 nums[] = { 1, 64, 4096 };
	static const size_t lens[] = { 16, 32 };
	struct geo g;
	size_t l, n, m;
	int ring;

	if (argc == 6)
		return run_once(argv);
	if (argc != 1) {
		fprintf(stderr, "usage: %s [METHOD LAYOUT ENTRIES LEN REPS]\n",
			argv[0]);
		return 2;
	}
	for (ring = 0; ring < 2; ring++) {
		for (n = 0; n < ARRAY_SIZE(nums); n++) {
			for (l = 0; l < ARRAY_SIZE(lens); l++) {
				make_geo(&g, ring, nums[n], lens[l]);
				for (m = 0; m < ARRAY_SIZE(methods); m++)
					measure(methods[m].name, methods[m].fn,
						&g);
			}
		}
	}
	return 0;
}
