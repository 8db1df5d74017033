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

/* The result of iommu_user_array_init(); fills @m if it is 0 */
static int model_init(struct model *m, u32 flags, unsigned long uptr,
		      size_t elen, u32 num, u32 head, u32 tail)
{
	bool ring = flags & 1;
	u64 count;

	if (flags & ~1U)
		return -EOPNOTSUPP;
	if (elen > MODEL_PAGE_SIZE || num > MODEL_MAX_ENTRIES)
		return -EINVAL;
	if (ring) {
		if (!num || (num & (num - 1)) || head >= 2ULL * num ||
		    tail >= 2ULL * num)
			return -EINVAL;
		count = (tail + 2ULL * num - head) % (2ULL * num);
		if (count > num)
			return -EINVAL;
	} else {
		if (head != 0 || tail != num)
			return -EINVAL;
		count = num;
	}
	if (count && (!uptr || !elen))
		return -EINVAL;
	*m = (struct model){ .ring = ring, .uptr = uptr, .elen = elen,
			     .num = num, .head = head, .count = count };
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
