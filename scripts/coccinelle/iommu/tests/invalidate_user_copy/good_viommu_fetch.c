// SPDX-License-Identifier: GPL-2.0
/*
 * A vIOMMU op that reads its entries through the iterator, and a
 * .cache_invalidate of another struct that copies a buffer it is given
 */
#include <linux/iommufd.h>
#include <linux/uaccess.h>

struct drv_viommu_inv {
	__aligned_u64 cmd[2];
};

static int drv_viommu_cache_invalidate(struct iommufd_viommu *viommu,
				       struct iommu_user_data_array *array)
{
	struct drv_viommu_inv inv;
	int rc;

	while ((rc = iommu_user_array_next(array, 3, &inv, cmd)) > 0)
		iommu_user_array_ack(array, 1);
	return rc;
}

static const struct iommufd_viommu_ops drv_viommu_ops = {
	.cache_invalidate = drv_viommu_cache_invalidate,
};

struct drv_fw_ops {
	int (*cache_invalidate)(void *fw, const void __user *buf, size_t len);
};

static int drv_fw_cache_invalidate(void *fw, const void __user *buf,
				   size_t len)
{
	return copy_from_user(fw, buf, len) ? -EFAULT : 0;
}

static const struct drv_fw_ops drv_fw_ops = {
	.cache_invalidate = drv_fw_cache_invalidate,
};
