// SPDX-License-Identifier: GPL-2.0
/* spatch cannot parse scoped_guard() { }: the function must not be skipped */
#include <linux/cleanup.h>
#include <linux/iommu.h>
#include <linux/mutex.h>

struct drv_domain {
	struct iommu_domain domain;
	struct mutex lock;
};

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_domain *d = container_of(domain, struct drv_domain, domain);
	u32 n;

	scoped_guard(mutex, &d->lock) {
		n = array->entry_num;
	}
	return n ? 0 : -EINVAL;
}
