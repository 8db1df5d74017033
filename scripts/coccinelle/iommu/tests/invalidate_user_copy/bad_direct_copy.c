// SPDX-License-Identifier: GPL-2.0
/* An op, installed through a named ops struct, that copies by itself */
#include <linux/iommu.h>
#include <linux/uaccess.h>

struct drv_inv {
	u64 addr;
	u64 data_uptr;
};

static int drv_cache_invalidate_user(struct iommu_domain *domain,
				     struct iommu_user_data_array *array)
{
	struct drv_inv inv;
	u32 val;

	if (copy_from_user(&inv, array->uptr, sizeof(inv)))
		return -EFAULT;
	if (get_user(val, (u32 __user *)u64_to_user_ptr(inv.data_uptr)))
		return -EFAULT;
	return val ? -EINVAL : 0;
}

static const struct iommu_domain_ops drv_nested_ops = {
	.free = drv_domain_free,
	.cache_invalidate_user = drv_cache_invalidate_user,
};
