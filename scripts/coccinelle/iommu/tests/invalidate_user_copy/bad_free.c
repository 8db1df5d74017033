// SPDX-License-Identifier: GPL-2.0
/*
 * Without type information spatch cannot parse "u32 *p __free(kfree) = ...":
 * the helper that the op calls must not be skipped
 */
#include <linux/cleanup.h>
#include <linux/iommu.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

static int drv_read(struct iommu_user_data_array *array)
{
	u32 *cmds __free(kfree) = kcalloc(16, sizeof(*cmds), GFP_KERNEL);

	if (!cmds)
		return -ENOMEM;
	if (copy_from_user(cmds, array->uptr, 16 * sizeof(*cmds)))
		return -EFAULT;
	return 0;
}

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	return drv_read(array);
}

static const struct iommu_domain_ops drv_nested_ops = {
	.cache_invalidate_user = drv_invalidate,
};
