/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_MINMAX_H
#define _SHIM_LINUX_MINMAX_H

/* Without the kernel's type checks, which the kernel build runs anyway */
#define min(x, y) ({ typeof(x) __x = (x); typeof(y) __y = (y);	\
		     __x < __y ? __x : __y; })
#define max(x, y) ({ typeof(x) __x = (x); typeof(y) __y = (y);	\
		     __x > __y ? __x : __y; })
#define min_t(type, x, y)	min((type)(x), (type)(y))

#endif
