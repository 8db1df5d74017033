/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_OVERFLOW_H
#define _SHIM_LINUX_OVERFLOW_H

#include <stdint.h>
#include <linux/compiler_types.h>
#include <linux/types.h>

#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

/* As the kernel: saturate, so an overflowing size fails where it is used */
static inline size_t __must_check size_mul(size_t a, size_t b)
{
	size_t bytes;

	if (check_mul_overflow(a, b, &bytes))
		return SIZE_MAX;
	return bytes;
}

#define array_size(a, b)	size_mul(a, b)

#endif
