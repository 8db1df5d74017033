// SPDX-License-Identifier: GPL-2.0
/*
 * An op that reads its requests with the helpers, in a file where another
 * path copies from user space
 */
#include <linux/iommu.h>
#include <linux/uaccess.h>

struct drv_inv {
	u64 addr;
	u32 flags;
	u32 __reserved;
};

static int drv_flush(struct iommu_domain *domain, const struct drv_inv *inv)
{
	return inv->flags ? -EOPNOTSUPP : 0;
}

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_inv inv;
	int rc;

	while ((rc = iommu_user_array_next(array, 3, &inv, __reserved)) > 0) {
		rc = drv_flush(domain, &inv);
		if (rc)
			return rc;
		iommu_user_array_ack(array, 1);
	}
	return rc;
}

static struct iommu_domain *drv_alloc_user(struct device *dev, u32 flags,
					   struct iommu_domain *parent,
					   const struct iommu_user_data *user_data)
{
	u64 cfg;

	if (copy_from_user(&cfg, (void __user *)dev->platform_data,
			   sizeof(cfg)))
		return ERR_PTR(-EFAULT);
	return NULL;
}

static const struct iommu_domain_ops drv_nested_ops = {
	.cache_invalidate_user = drv_invalidate,
};
