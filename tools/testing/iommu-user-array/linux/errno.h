/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_ERRNO_H
#define _SHIM_LINUX_ERRNO_H

/*
 * glibc's <errno.h> includes <linux/errno.h> too and lands here: take the
 * values from the uAPI, as the kernel's own header does.
 */
#include <asm/errno.h>

#endif
