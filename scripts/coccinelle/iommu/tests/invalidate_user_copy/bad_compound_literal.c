// SPDX-License-Identifier: GPL-2.0
/*
 * The op is installed through a designated initializer of a compound
 * literal, as intel-iommu installs its default domain ops, and through an
 * assignment to the member
 */
#include <linux/iommu.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	void *buf = memdup_user(array->uptr, 64);

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	kfree(buf);
	return 0;
}

static int drv_invalidate2(struct iommu_domain *domain,
			   struct iommu_user_data_array *array)
{
	void *buf = vmemdup_user(array->uptr, 64);

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	kvfree(buf);
	return 0;
}

const struct iommu_ops drv_ops = {
	.capable = drv_capable,
	.default_domain_ops = &(const struct iommu_domain_ops) {
		.attach_dev = drv_attach_dev,
		.cache_invalidate_user = drv_invalidate,
	},
};

static struct iommu_domain_ops drv_runtime_ops;

static void drv_setup(void)
{
	drv_runtime_ops.cache_invalidate_user = drv_invalidate2;
}
