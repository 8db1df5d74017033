// SPDX-License-Identifier: GPL-2.0
/*
 * spatch cannot parse the ops struct, which uses a macro it does not know:
 * the op must not be skipped
 */
#include <linux/iommu.h>
#include <linux/uaccess.h>

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	u64 addr;

	return copy_from_user(&addr, array->uptr, sizeof(addr)) ? -EFAULT : 0;
}

static const struct iommu_domain_ops drv_nested_ops = {
	.attach_dev = drv_attach_dev,
	.cache_invalidate_user = drv_invalidate,
	DRV_COMMON_DOMAIN_OPS(drv) extra,
};
