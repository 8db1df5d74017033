// SPDX-License-Identifier: GPL-2.0
/* The op hands the array to a helper in another file of the driver */
#include <linux/iommufd.h>
#include <linux/slab.h>

#include "drv.h"

static int drv_viommu_cache_invalidate(struct iommufd_viommu *viommu,
				       struct iommu_user_data_array *array)
{
	struct drv_cmd *cmds;
	int n = drv_read_cmds(array, &cmds);

	if (n < 0)
		return n;
	n = drv_issue(cmds, n);
	kfree(cmds);
	return n;
}

static const struct iommufd_viommu_ops drv_viommu_ops = {
	.cache_invalidate = drv_viommu_cache_invalidate,
};
