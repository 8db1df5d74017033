// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the geometry, the user memory with its faults and stray
 * bytes, the driver's struct and its batches and acks all come from the
 * input, beyond the small cases of main.c: rings of up to 256 slots, any
 * entry and struct sizes, buffers shorter than the array or beside it, and
 * drivers that ack too much. Every call is checked against the model.
 */
#include <linux/uaccess.h>
#include "harness.h"

struct input {
	const u8 *p;
	size_t n;
};

static struct {
	u32 flags, num, head, tail;
	unsigned long uptr;
	size_t elen, ksize, min_len, len;
} cur;

/* Zeroes once the input runs out: a driver that acks all it fetches */
static u8 get8(struct input *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static u32 get16(struct input *in)
{
	return get8(in) | get8(in) << 8;
}

static u32 get32(struct input *in)
{
	return get16(in) | get16(in) << 16;
}

static void describe(FILE *f)
{
	fprintf(f, "flags %#x entry_num %u head %u tail %u ", cur.flags,
		cur.num, cur.head, cur.tail);
	fprintf(f, "uptr %#lx entry_len %zu buffer %zu ksize %zu min_len %zu",
		cur.uptr, cur.elen, cur.len, cur.ksize, cur.min_len);
}

static u32 fz_batch(void *ctx, u32 call)
{
	u8 b = get8(ctx);

	return b < 0xf0 ? 1 + b % 17 : 1 + (b & 0xf) * 100;
}

static bool fz_handle(struct harness *h, void *ctx, u32 got)
{
	u8 b = get8(ctx);
	u32 i;

	switch (b >> 6) {
	case 0:
		h_ack(h, got);
		return true;
	case 1:		/* part now, maybe the rest later */
		h_ack(h, (b & 0x3f) % (got + 1));
		return true;
	case 2:
		for (i = 0; i < got; i++)
			h_ack(h, 1);
		return !(b & 1);
	default:	/* any amount, perhaps too many */
		h_ack(h, b & 0x1f);
		return !(b & 0x20);
	}
}

static void fz_finish(struct harness *h, void *ctx)
{
	h_ack(h, get8(ctx) % 4);
}

static const struct driver fz_driver = {
	.batch = fz_batch,
	.handle = fz_handle,
	.finish = fz_finish,
};

/* Geometries too large to drive: init() alone */
static void fuzz_init(struct harness *h, struct input *in)
{
	struct iommu_user_data_array array;
	struct model m;
	int rc, exp;

	cur.flags = get8(in) & 1 ? IOMMU_USER_ARRAY_RING : 0;
	cur.elen = get32(in) % (2 * PAGE_SIZE + 2);
	cur.num = get32(in);
	cur.head = get32(in);
	cur.tail = get32(in);
	if (get8(in) & 1)
		cur.num %= 2 * IOMMU_USER_ARRAY_MAX_ENTRIES + 2;
	cur.uptr = get8(in) & 1 ? 0 : USPACE_BASE;
	exp = model_init(&m, cur.flags, cur.uptr, cur.elen, cur.num, cur.head,
			 cur.tail);
	rc = iommu_user_array_init(&array, TEST_TYPE, (void __user *)cur.uptr,
				   cur.elen, cur.num, cur.head, cur.tail,
				   cur.flags);
	H_CHECK(h, rc == exp, "init() = %d, expected %d", rc, exp);
	H_CHECK(h, rc || iommu_user_array_count(&array) == m.count,
		"count() = %u, expected %u", iommu_user_array_count(&array),
		m.count);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	static struct harness h = { .describe = describe, .abort = true };
	struct input in = { data, size };
	u8 mode = get8(&in), b;
	u32 count, i, nper;
	size_t off;
	u8 *u;

	memset(&cur, 0, sizeof(cur));
	if ((mode & 0xc0) == 0xc0) {
		fuzz_init(&h, &in);
		return 0;
	}
	cur.flags = mode & 1 ? IOMMU_USER_ARRAY_RING : 0;
	if ((mode & 0xc0) == 0x80)
		cur.flags |= 1U << (1 + get8(&in) % 31);
	if (cur.flags & IOMMU_USER_ARRAY_RING)
		cur.num = mode & 0x10 ? get8(&in) % 20 : 1U << get8(&in) % 9;
	else
		cur.num = get8(&in) % 40;
	if (mode & 0x08) {
		/* Anything, mostly invalid */
		cur.head = get16(&in) % (2 * cur.num + 2);
		cur.tail = get16(&in) % (2 * cur.num + 2);
	} else if (cur.flags & IOMMU_USER_ARRAY_RING && cur.num) {
		cur.head = get16(&in) % (2 * cur.num);
		count = get16(&in) % (cur.num + 1);
		cur.tail = (cur.head + count) % (2 * cur.num);
	} else {
		cur.tail = cur.num;
	}
	cur.elen = get8(&in) % 72;
	cur.ksize = 1 + get8(&in) % 40;
	cur.min_len = 1 + get8(&in) % cur.ksize;

	/* The buffer: may end early, or the array may start beside it */
	cur.len = cur.num * cur.elen;
	cur.uptr = USPACE_BASE;
	b = get8(&in);
	if (b & 1)
		cur.len -= min_t(size_t, cur.len, get8(&in) % 64);
	if (b & 2)
		cur.uptr += (int)get8(&in) - 128;
	if (b & 4)
		cur.uptr = b & 8 ? 0 : ~0UL << 12;
	uspace_reset(cur.len);
	u = uspace_data();
	for (off = 0; cur.elen && off < cur.len; off++)
		if (off % cur.elen < cur.ksize)
			u[off] = (0x11 + off / cur.elen * 0x35 + off * 7) | 1;
	nper = get8(&in) % 8;
	for (i = 0; i < nper && cur.len; i++) {
		b = get8(&in);
		off = get16(&in) % cur.len;
		if (b & 1)
			u[off] = get8(&in);
		else
			uspace_set_readable(off, 1 + b % 48, false);
	}
	h_run(&h, &fz_driver, &in, cur.flags, cur.uptr, cur.elen, cur.num,
	      cur.head, cur.tail, cur.ksize, cur.min_len);
	return 0;
}
