/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Setting up a struct iommu_user_data_array, which only the iommufd core
 * does. Drivers see the array through include/linux/iommu_user_array.h.
 */
#ifndef __IOMMUFD_USER_ARRAY_H
#define __IOMMUFD_USER_ARRAY_H

#include <linux/iommu_user_array.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <asm/page.h>

/**
 * __iommu_user_array_init - describe an array of entries in user memory
 * @array: the array to fill
 * @type: the data type of every entry
 * @uptr: the user buffer of @entry_num slots of @entry_len bytes each
 * @entry_len: the size of one entry as user space laid it out
 * @entry_num: the number of slots in the buffer
 * @head: the position of the first entry (0 for a linear array)
 * @tail: the position after the last entry (@entry_num for a linear array)
 * @flags: 0 for a linear array, or IOMMU_USER_ARRAY_RING
 *
 * For the iommufd core, which builds the array from a uAPI command before it
 * hands it to a driver; tests call iommu_user_array_init(). Inline, as it
 * runs once per ioctl on the invalidation path and folds for a linear array.
 * Sets every member of @array, also on error, so that a caller's array needs
 * no zeroing.
 *
 * A ring must have a valid geometry even when it is empty, as its positions
 * are reported back. An array without entries is otherwise valid whatever
 * @uptr and @entry_len are, so that user space can probe a data type.
 *
 * Return: 0; -EOPNOTSUPP for unknown @flags; -EINVAL for a ring whose
 * @entry_num is not a power of two or above IOMMU_USER_ARRAY_MAX_ENTRIES,
 * whose positions are not below 2 * @entry_num or are more than @entry_num
 * apart, for a linear array whose @head and @tail are not 0 and
 * @entry_num, and, when there are entries, for more than
 * IOMMU_USER_ARRAY_MAX_ENTRIES of them, no buffer, or an @entry_len of 0 or
 * above PAGE_SIZE.
 */
static inline int
__iommu_user_array_init(struct iommu_user_data_array *array, unsigned int type,
			void __user *uptr, size_t entry_len, u32 entry_num,
			u32 head, u32 tail, u32 flags)
{
	size_t bytes;

	array->type = type;
	array->uptr = uptr;
	array->entry_len = entry_len;
	array->entry_num = entry_num;
	array->head = head;
	array->count = 0;
	array->flags = flags;
	array->fetched = 0;
	array->done = 0;
	array->stop = 0;
	if (flags & ~IOMMU_USER_ARRAY_RING)
		return -EOPNOTSUPP;
	if (flags & IOMMU_USER_ARRAY_RING) {
		if (!is_power_of_2(entry_num) ||
		    entry_num > IOMMU_USER_ARRAY_MAX_ENTRIES ||
		    head >= 2 * entry_num || tail >= 2 * entry_num)
			return -EINVAL;
		/* Positions carry a wrap bit above the slot index */
		array->count = (tail - head) & (2 * entry_num - 1);
		if (array->count > entry_num)
			return -EINVAL;
	} else {
		if (head || tail != entry_num)
			return -EINVAL;
		array->count = entry_num;
	}
	if (!array->count)
		return 0;
	if (!uptr || !entry_len || entry_len > PAGE_SIZE ||
	    array->count > IOMMU_USER_ARRAY_MAX_ENTRIES ||
	    check_mul_overflow(entry_len, (size_t)entry_num, &bytes))
		return -EINVAL;
	return 0;
}

#endif /* __IOMMUFD_USER_ARRAY_H */
