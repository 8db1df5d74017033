// SPDX-License-Identifier: GPL-2.0
/*
 * The vIOMMU shape of Linux 6.13 and later: the op is the .cache_invalidate
 * of a struct iommufd_viommu_ops, installed in a named struct, in a compound
 * literal and by assignment, and reads the entries by itself
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
	u64 first;

	if (get_user(first, (u64 __user *)array->uptr))
		return -EFAULT;
	if (copy_from_user(&inv, array->uptr, sizeof(inv)))
		return -EFAULT;
	return first == inv.cmd[0] ? 0 : -EINVAL;
}

static const struct iommufd_viommu_ops drv_viommu_ops = {
	.destroy = drv_viommu_destroy,
	.alloc_domain_nested = drv_viommu_alloc_domain_nested,
	.cache_invalidate = drv_viommu_cache_invalidate,
};

static int drv_vintf_cache_invalidate(struct iommufd_viommu *viommu,
				      struct iommu_user_data_array *array)
{
	void *cmds = memdup_user(array->uptr, array->entry_num * 16);

	if (IS_ERR(cmds))
		return PTR_ERR(cmds);
	kfree(cmds);
	return 0;
}

static const struct iommufd_viommu_ops *drv_vintf_ops(void)
{
	return &(struct iommufd_viommu_ops){
		.cache_invalidate = drv_vintf_cache_invalidate,
	};
}

static int drv_mock_viommu_cache_invalidate(struct iommufd_viommu *viommu,
					    struct iommu_user_data_array *array)
{
	u32 *data = kzalloc(4, GFP_KERNEL);
	int rc = 0;

	if (__get_user(*data, (u32 __user *)array->uptr))
		rc = -EFAULT;
	kfree(data);
	return rc;
}

static void drv_viommu_init_ops(struct iommufd_viommu_ops *ops)
{
	ops->cache_invalidate = drv_mock_viommu_cache_invalidate;
}
