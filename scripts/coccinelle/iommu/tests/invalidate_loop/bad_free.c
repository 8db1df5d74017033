// SPDX-License-Identifier: GPL-2.0
/*
 * Without type information spatch cannot parse "u32 *p __free(kfree) = ...":
 * the function must not be skipped
 */
#include <linux/cleanup.h>
#include <linux/iommu.h>
#include <linux/slab.h>

struct drv_inv {
	__aligned_u64 addr;
	__u32 flags;
	__u32 __reserved;
};

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	u32 *seen __free(kfree) = kzalloc(sizeof(*seen), GFP_KERNEL);
	struct drv_inv inv;
	u32 index, processed = 0;
	int ret = 0;

	for (index = 0; index < array->entry_num; index++) {
		ret = iommu_copy_struct_from_user_array(&inv, array, 5, index,
							__reserved);
		if (ret)
			break;
		processed++;
	}
	array->entry_num = processed;
	return ret;
}
