// SPDX-License-Identifier: GPL-2.0
/* The copy is two calls away from the op */
#include <linux/iommu.h>
#include <linux/uaccess.h>

static int drv_peek(const void __user *uptr, u32 *val)
{
	return __get_user(*val, (const u32 __user *)uptr);
}

static int drv_check(struct iommu_user_data_array *array)
{
	u32 val;

	if (drv_peek(array->uptr, &val))
		return -EFAULT;
	return val ? -EINVAL : 0;
}

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	return drv_check(array);
}

static const struct iommu_domain_ops drv_nested_ops = {
	.cache_invalidate_user = drv_invalidate,
};
