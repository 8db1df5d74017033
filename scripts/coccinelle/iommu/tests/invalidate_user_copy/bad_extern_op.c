// SPDX-License-Identifier: GPL-2.0
/* The op is defined in another file: it cannot be checked here */
#include <linux/iommu.h>

int drv_invalidate(struct iommu_domain *domain,
		   struct iommu_user_data_array *array);

static const struct iommu_domain_ops drv_nested_ops = {
	.cache_invalidate_user = drv_invalidate,
};
