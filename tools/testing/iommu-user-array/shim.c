// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel services for user_data.c in user space. The user accessors have a
 * fast path for a buffer without holes, so that the benchmark measures the
 * iterator rather than a byte loop; the check stays per call.
 */
#include <stdlib.h>
#include <string.h>
#include <asm/errno.h>
#include <linux/uaccess.h>
#include "shim.h"

unsigned long nr_warn, nr_cond_resched, nr_copy_from_user;

static struct {
	u8 *data;
	bool *readable;
	size_t len, cap;
	size_t holes;		/* unreadable bytes */
} us;

void uspace_reset(size_t len)
{
	if (!us.data || len > us.cap) {
		us.cap = len ? len : 1;
		us.data = realloc(us.data, us.cap);
		us.readable = realloc(us.readable, us.cap * sizeof(bool));
		if (!us.data || !us.readable)
			abort();
	}
	us.len = len;
	us.holes = 0;
	memset(us.data, 0, len);
	memset(us.readable, true, len * sizeof(bool));
}

u8 *uspace_data(void)
{
	return us.data;
}

void uspace_set_readable(size_t off, size_t len, bool readable)
{
	size_t i;

	for (i = off; i < off + len && i < us.len; i++) {
		if (us.readable[i] != readable)
			us.holes += readable ? -1 : 1;
		us.readable[i] = readable;
	}
}

bool uspace_peek(unsigned long addr, u8 *val)
{
	size_t off = addr - USPACE_BASE;

	if (addr < USPACE_BASE || off >= us.len || !us.readable[off])
		return false;
	*val = us.data[off];
	return true;
}

/* Whether [addr, addr + n) lies in the buffer, at offset *off */
static bool in_buffer(unsigned long addr, size_t n, size_t *off)
{
	*off = addr - USPACE_BASE;
	return addr >= USPACE_BASE && *off <= us.len && n <= us.len - *off;
}

/*
 * A copy that faults may stop short of the fault, as arm64's does when it
 * copies in chunks: with a granule above 1, round the bytes copied down to
 * a multiple of it.
 */
unsigned long copy_granule = 1;

unsigned long copy_from_user(void *to, const void __user *from,
			     unsigned long n)
{
	unsigned long addr = (unsigned long)from, i;
	size_t off;

	nr_copy_from_user++;
	if (!us.holes && in_buffer(addr, n, &off)) {
		memcpy(to, us.data + off, n);
		return 0;
	}
	for (i = 0; i < n; i++)
		if (!uspace_peek(addr + i, (u8 *)to + i))
			break;
	if (i < n)
		i -= i % copy_granule;
	memset((u8 *)to + i, 0, n - i);
	return n - i;
}

/*
 * Byte by byte, the first non-zero or unreadable byte decides; the kernel
 * reads words, which with page-sized faults comes to the same.
 */
int check_zeroed_user(const void __user *from, size_t size)
{
	unsigned long addr = (unsigned long)from, i;
	size_t off;
	u8 val;

	if (!us.holes && in_buffer(addr, size, &off)) {
		for (i = 0; i < size; i++)
			if (us.data[off + i])
				return 0;
		return 1;
	}
	for (i = 0; i < size; i++) {
		if (!uspace_peek(addr + i, &val))
			return -EFAULT;
		if (val)
			return 0;
	}
	return 1;
}
