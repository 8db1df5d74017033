// SPDX-License-Identifier: GPL-2.0
/*
 * Functions that copy from user space but are installed under another
 * member of struct iommu_domain_ops, or as .cache_invalidate_user of
 * another struct, and are not given the request array
 */
#include <linux/iommu.h>
#include <linux/uaccess.h>

struct drv_viommu_ops {
	int (*cache_invalidate_user)(struct drv_viommu *viommu,
				     struct drv_req *req);
};

static int drv_attach_dev(struct iommu_domain *domain, struct device *dev)
{
	u32 val;

	return get_user(val, (u32 __user *)dev->platform_data);
}

static int drv_cache_invalidate(struct iommu_domain *domain,
				struct drv_req *req)
{
	u64 addr;

	return copy_from_user(&addr, req->uptr, sizeof(addr)) ? -EFAULT : 0;
}

static int drv_viommu_invalidate(struct drv_viommu *viommu,
				 struct drv_req *req)
{
	u64 addr;

	return copy_from_user(&addr, req->uptr, sizeof(addr)) ? -EFAULT : 0;
}

static const struct iommu_domain_ops drv_nested_ops = {
	.attach_dev = drv_attach_dev,
	.cache_invalidate = drv_cache_invalidate,
};

static const struct drv_viommu_ops drv_viommu_ops = {
	.cache_invalidate_user = drv_viommu_invalidate,
};
