// SPDX-License-Identifier: GPL-2.0
/* spatch cannot parse scoped_guard() { }: the op must not be skipped */
#include <linux/cleanup.h>
#include <linux/iommu.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>

struct drv_domain {
	struct iommu_domain domain;
	struct mutex lock;
};

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_domain *d = container_of(domain, struct drv_domain, domain);
	u64 addr;

	scoped_guard(mutex, &d->lock) {
		if (copy_from_user(&addr, array->uptr, sizeof(addr)))
			return -EFAULT;
	}
	return 0;
}

static const struct iommu_domain_ops drv_nested_ops = {
	.cache_invalidate_user = drv_invalidate,
};
