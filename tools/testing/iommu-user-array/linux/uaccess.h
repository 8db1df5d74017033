/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_UACCESS_H
#define _SHIM_LINUX_UACCESS_H

#include <errno.h>
#include <string.h>
#include <linux/compiler_types.h>
#include <linux/types.h>
/* The kernel's <linux/uaccess.h> brings <asm/page.h> along */
#include <asm/page.h>

/*
 * Accesses to the simulated user space of shim.c, with the kernel's results:
 * copy_from_user() stops at the first unreadable byte, zeroes the rest of
 * @to and returns the number of bytes not copied.
 */
unsigned long __must_check copy_from_user(void *to, const void __user *from,
					  unsigned long n);
int check_zeroed_user(const void __user *from, size_t size);

/* As the kernel's: zero-extend a shorter struct, refuse a non-zero tail */
static inline int copy_struct_from_user(void *dst, size_t ksize,
					const void __user *src, size_t usize)
{
	size_t size = ksize < usize ? ksize : usize;
	size_t rest = (ksize > usize ? ksize : usize) - size;
	int ret;

	if (usize < ksize) {
		memset(dst + size, 0, rest);
	} else if (usize > ksize) {
		ret = check_zeroed_user(src + size, rest);
		if (ret <= 0)
			return ret ?: -E2BIG;
	}
	if (copy_from_user(dst, src, size))
		return -EFAULT;
	return 0;
}

#endif
