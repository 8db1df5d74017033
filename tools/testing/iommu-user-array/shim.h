/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated user address space behind the copy_from_user() and
 * check_zeroed_user() shims: one buffer at the fake address USPACE_BASE, with
 * a readable flag per byte. Every address outside it faults, and nothing is
 * mapped there, so code that dereferences a user pointer directly crashes.
 */
#ifndef _SHIM_H
#define _SHIM_H

#include <linux/bits.h>
#include <linux/types.h>

/* In the gap between ASan's shadow regions, and unmapped without ASan */
#define USPACE_BASE	BIT(40)

extern unsigned long nr_warn, nr_cond_resched, nr_copy_from_user;
extern unsigned long copy_granule;

/* Make a readable, zeroed buffer of @len bytes at USPACE_BASE */
void uspace_reset(size_t len);
/* Its bytes, for the test to fill */
u8 *uspace_data(void);
void uspace_set_readable(size_t off, size_t len, bool readable);
/* Read one user byte as the model does; false if it faults */
bool uspace_peek(unsigned long addr, u8 *val);

#endif
