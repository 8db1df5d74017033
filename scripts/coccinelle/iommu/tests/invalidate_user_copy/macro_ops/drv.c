// SPDX-License-Identifier: GPL-2.0
/* The ops structs come from macros of drv_ops.h; both ops copy by themselves */
#include <linux/iommufd.h>
#include <linux/uaccess.h>

#include "drv_ops.h"

static int drv_nested_invalidate(struct iommu_domain *domain,
				 struct iommu_user_data_array *array)
{
	u32 first;

	return get_user(first, (u32 __user *)array->uptr);
}

DRV_NESTED_DOMAIN_OPS(drv_nested_ops, drv_nested_invalidate);

static int drv_check(const void __user *p)
{
	u64 v;

	return copy_from_user(&v, p, sizeof(v)) ? -EFAULT : 0;
}

static int drv_cache_invalidate(struct iommufd_viommu *viommu,
				struct drv_req *req)
{
	return drv_check(u64_to_user_ptr(req->addr));
}

DRV_VIOMMU_OPS(drv);
