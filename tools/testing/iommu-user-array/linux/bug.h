/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_BUG_H
#define _SHIM_LINUX_BUG_H

#include <linux/compiler_types.h>
#include <linux/types.h>

/* Counted, not printed: the tests expect an exact number of warnings */
extern unsigned long nr_warn;

#define WARN_ON(condition) ({					\
	bool __ret_warn_on = !!(condition);			\
	if (unlikely(__ret_warn_on))				\
		nr_warn++;					\
	__ret_warn_on;						\
})

#endif
