// SPDX-License-Identifier: GPL-2.0
/* The mock driver of the selftests is a driver, not the iommufd core */
#include <linux/iommu.h>

static struct iommu_domain *
mock_domain_alloc_user(struct device *dev, u32 flags,
		       struct iommu_domain *parent,
		       const struct iommu_user_data *user_data)
{
	if (user_data && user_data->len < 4)
		return ERR_PTR(-EINVAL);
	return NULL;
}
