/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef _SHIM_LINUX_SCHED_H
#define _SHIM_LINUX_SCHED_H

/* Counts its calls, so that a test can see long loops can be preempted */
extern unsigned long nr_cond_resched;

static inline int cond_resched(void)
{
	nr_cond_resched++;
	return 0;
}

#endif
