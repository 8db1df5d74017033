// SPDX-License-Identifier: GPL-2.0
/*
 * A break that does not set the result: the loop is reported, not
 * converted, since the result would change
 */
#include <linux/iommu.h>

struct drv_inv {
	__aligned_u64 addr;
	__u32 flags;
	__u32 __reserved;
};

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_inv inv;
	u32 index, processed = 0;
	int ret = 0;

	for (index = 0; index < array->entry_num; index++) {
		ret = iommu_copy_struct_from_user_array(&inv, array, 5, index,
							__reserved);
		if (ret)
			break;
		if (inv.flags)
			break;
		drv_flush(domain, inv.addr);
		processed++;
	}
	array->entry_num = processed;
	return ret;
}
