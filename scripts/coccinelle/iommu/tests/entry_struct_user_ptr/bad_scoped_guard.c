// SPDX-License-Identifier: GPL-2.0
/* spatch cannot parse scoped_guard() { }: the function must not be skipped */
#include <linux/cleanup.h>
#include <linux/iommu.h>
#include <linux/mutex.h>

struct drv_inv {
	__aligned_u64 addr;
	__aligned_u64 data_uptr;
};

struct drv_domain {
	struct iommu_domain domain;
	struct mutex lock;
};

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_domain *d = container_of(domain, struct drv_domain, domain);
	struct drv_inv inv;
	int rc;

	scoped_guard(mutex, &d->lock) {
		while ((rc = iommu_user_array_next(array, 5, &inv, addr)) > 0)
			iommu_user_array_ack(array, 1);
	}
	return rc;
}
