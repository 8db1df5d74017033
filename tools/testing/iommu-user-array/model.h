/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reference model of the user array iterator, entry by entry: which entries
 * a driver sees, in which order, with which contents, and the error that
 * stops it. It reads the simulated user memory a byte at a time and counts
 * positions with plain modular arithmetic, sharing nothing with user_data.c.
 */
#ifndef _MODEL_H
#define _MODEL_H

#include <errno.h>
#include <linux/types.h>
#include "shim.h"

#define MODEL_PAGE_SIZE		4096
#define MODEL_MAX_ENTRIES	BIT(19)

struct model {
	bool ring;
	unsigned long uptr;
	size_t elen, ksize, min_len;
	u32 num, head, count;
};

/*
 * What iommu_user_array_init() answers, as the table of checks of
 * Documentation/userspace-api/iommufd.rst ("Cache invalidation of
 * user-managed page tables") states it: the rows that concern the geometry,
 * in the table's order, the first that holds giving the result.
 *
 *   row 1  a flag other than the ring flag                     -EOPNOTSUPP
 *   row 3  linear, and head is not 0 or tail is not entry_num  -EINVAL
 *   row 4  ring: entry_num not a power of two or above the cap, -EINVAL
 *          head or tail at or beyond 2 * entry_num, or head and
 *          tail more than entry_num apart (also when empty)
 *   row 5  there are entries, and more than the cap of them, no -EINVAL
 *          buffer, or an entry_len of 0 or above PAGE_SIZE
 *
 * Row 3 is in init()'s terms: the ioctl passes a linear array as head 0 and
 * tail entry_num. Row 2 (the size of the command) and row 6 (the HWPT) are
 * the ioctl's; row 7's entry_len below the type's first struct is judged at
 * each fetch (model_entry()), rows 8 and 9 entry by entry. Whatever row 5
 * does not name is valid: an array without entries takes any buffer and
 * any entry_len.
 *
 * Everything is computed in 64 bits, where nothing wraps.
 */
#define MODEL_FLAG_RING		1U

struct model_geo {
	u32 flags, num, head, tail;
	u64 uptr, elen;
};

static bool model_is_ring(const struct model_geo *g)
{
	return g->flags & MODEL_FLAG_RING;
}

/* A power of two is 1 shifted left by some k */
static bool model_pow2(u64 n)
{
	unsigned int k;

	for (k = 0; k < 64; k++)
		if (n == 1ULL << k)
			return true;
	return false;
}

/* A ring's positions: a slot index and one wrap bit, [0, 2 * entry_num) */
static u64 model_positions(const struct model_geo *g)
{
	return 2ULL * g->num;
}

/*
 * The entries from head to tail. A ring's is the document's
 * (tail - head) mod (2 * entry_num), the steps from head to tail when each
 * step goes to the next position and from the last back to 0; meaningful
 * once row 4 found both positions in range.
 */
static u64 model_entries(const struct model_geo *g)
{
	u64 head = g->head, tail = g->tail;

	if (!model_is_ring(g))
		return g->num;
	return tail >= head ? tail - head : model_positions(g) - head + tail;
}

static bool model_row1(const struct model_geo *g)
{
	return g->flags & ~MODEL_FLAG_RING;
}

static bool model_row3(const struct model_geo *g)
{
	return !model_is_ring(g) && (g->head != 0 || g->tail != g->num);
}

static bool model_row4(const struct model_geo *g)
{
	if (!model_is_ring(g))
		return false;
	if (!model_pow2(g->num) || g->num > MODEL_MAX_ENTRIES)
		return true;
	if (g->head >= model_positions(g) || g->tail >= model_positions(g))
		return true;
	return model_entries(g) > g->num;
}

static bool model_row5(const struct model_geo *g)
{
	if (model_entries(g) == 0)
		return false;
	return model_entries(g) > MODEL_MAX_ENTRIES || !g->uptr ||
	       !g->elen || g->elen > MODEL_PAGE_SIZE;
}

static const struct model_row {
	int row;
	bool (*holds)(const struct model_geo *g);
	int err;
} model_rows[] = {
	{ 1, model_row1, -EOPNOTSUPP },
	{ 3, model_row3, -EINVAL },
	{ 4, model_row4, -EINVAL },
	{ 5, model_row5, -EINVAL },
	{}
};

/* The result of iommu_user_array_init(); fills @m if it is 0 */
static int model_init(struct model *m, u32 flags, unsigned long uptr,
		      size_t elen, u32 num, u32 head, u32 tail)
{
	const struct model_geo g = { .flags = flags, .num = num,
				     .head = head, .tail = tail,
				     .uptr = uptr, .elen = elen };
	const struct model_row *r;

	for (r = model_rows; r->holds; r++)
		if (r->holds(&g))
			return r->err;
	*m = (struct model){ .ring = model_is_ring(&g), .uptr = uptr,
			     .elen = elen, .num = num,
			     .count = model_entries(&g), .head = head };
	return 0;
}

/* The buffer slot of the idx-th entry */
static u32 model_slot(const struct model *m, u32 idx)
{
	return m->ring ? (m->head + idx) % m->num : idx;
}

/* The position after the first idx entries, as report() gives it */
static u32 model_pos(const struct model *m, u32 idx)
{
	return m->ring ? (m->head + idx) % (2 * m->num) : idx;
}

/*
 * The error of the idx-th entry, 0 if it is good, and its contents as the
 * driver's struct (ksize bytes) in @out. An entry that both faults and has
 * non-zero trailing bytes may give either error, whichever the kernel meets
 * first; then *alt is the other one.
 */
static int model_entry(const struct model *m, u32 idx, u8 *out, int *alt)
{
	unsigned long addr = m->uptr +
			     (unsigned long)model_slot(m, idx) * m->elen;
	bool fault = false, nonzero = false;
	size_t j;
	u8 b;

	*alt = 0;
	if (m->elen < m->min_len)
		return -EINVAL;
	for (j = 0; j < m->ksize; j++)
		out[j] = 0;
	for (j = 0; j < m->elen; j++) {
		if (!uspace_peek(addr + j, &b))
			fault = true;
		else if (j < m->ksize)
			out[j] = b;
		else if (b)
			nonzero = true;
	}
	if (fault) {
		if (nonzero)
			*alt = -E2BIG;
		return -EFAULT;
	}
	return nonzero ? -E2BIG : 0;
}

/* How many good entries follow idx, up to max; *err is the bad one's error */
static u32 model_good_run(const struct model *m, u32 idx, u32 max, u8 *out,
			  int *err, int *alt)
{
	u32 n;

	*err = *alt = 0;
	for (n = 0; n < max && idx + n < m->count; n++) {
		*err = model_entry(m, idx + n, out, alt);
		if (*err)
			break;
	}
	return n;
}

#endif
