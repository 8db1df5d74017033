// SPDX-License-Identifier: GPL-2.0
/*
 * Loops that do more with the index, skip entries or start elsewhere: they
 * are reported, not converted
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
		pr_debug("entry %u\n", index);
		drv_flush(domain, inv.addr);
		processed++;
	}
	array->entry_num = processed;
	return ret;
}

static int drv_invalidate_skip(struct iommu_domain *domain,
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
		if (!inv.addr)
			continue;
		drv_flush(domain, inv.addr);
		processed++;
	}
	array->entry_num = processed;
	return ret;
}

static int drv_invalidate_from_one(struct iommu_domain *domain,
				   struct iommu_user_data_array *array)
{
	struct drv_inv inv;
	u32 index, processed = 0;
	int ret = 0;

	for (index = 1; index < array->entry_num; index++) {
		ret = iommu_copy_struct_from_user_array(&inv, array, 5, index,
							__reserved);
		if (ret)
			break;
		drv_flush(domain, inv.addr);
		processed++;
	}
	array->entry_num = processed;
	return ret;
}
