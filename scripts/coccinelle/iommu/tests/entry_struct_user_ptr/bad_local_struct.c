// SPDX-License-Identifier: GPL-2.0
/* The entry struct, declared in the source, holds a __user pointer */
#include <linux/iommu.h>
#include <linux/slab.h>

struct drv_inv {
	__u64 addr;
	void __user *buf;
	__u32 flags;
};

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_inv inv;
	int rc;

	while ((rc = iommu_user_array_next(array, 5, &inv, flags)) > 0)
		iommu_user_array_ack(array, 1);
	return rc;
}

static int drv_invalidate_batch(struct iommu_domain *domain,
				struct iommu_user_data_array *array)
{
	struct drv_inv *invs = kcalloc(16, sizeof(*invs), GFP_KERNEL);
	int n;

	if (!invs)
		return -ENOMEM;
	while ((n = iommu_user_array_fetch(array, 5, invs, 16, flags)) > 0)
		iommu_user_array_ack(array, n);
	kfree(invs);
	return n;
}
