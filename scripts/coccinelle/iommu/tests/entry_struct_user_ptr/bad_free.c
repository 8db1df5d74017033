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
	__aligned_u64 data_uptr;
};

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	u32 *done __free(kfree) = kzalloc(sizeof(*done), GFP_KERNEL);
	struct drv_inv inv;
	int rc;

	if (!done)
		return -ENOMEM;
	while ((rc = iommu_user_array_next(array, 5, &inv, addr)) > 0)
		iommu_user_array_ack(array, 1);
	return rc;
}
