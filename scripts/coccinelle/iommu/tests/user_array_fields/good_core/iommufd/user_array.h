/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The iommufd core's private header sets up an array; an excerpt of
 * drivers/iommu/iommufd/user_array.h
 */
#include <linux/iommu_user_array.h>

static inline int
__iommu_user_array_init(struct iommu_user_data_array *array, unsigned int type,
			void __user *uptr, size_t entry_len, u32 entry_num,
			u32 head, u32 tail, u32 flags)
{
	array->type = type;
	array->uptr = uptr;
	array->entry_len = entry_len;
	array->entry_num = entry_num;
	array->head = head;
	array->count = flags ? (tail - head) & (2 * entry_num - 1) : entry_num;
	array->flags = flags;
	array->fetched = 0;
	array->done = 0;
	return array->count > entry_num ? -EINVAL : 0;
}
