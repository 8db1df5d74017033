// SPDX-License-Identifier: GPL-2.0
/*
 * As tegra241-cmdqv.c installs it: the vIOMMU op of the ops struct is
 * defined in another file of the driver
 */
#include <linux/iommufd.h>

static const struct iommufd_viommu_ops tegra241_cmdqv_viommu_ops = {
	.destroy = tegra241_cmdqv_destroy_vintf_user,
	.alloc_domain_nested = arm_vsmmu_alloc_domain_nested,
	.cache_invalidate = arm_vsmmu_cache_invalidate,
};
