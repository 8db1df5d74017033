// SPDX-License-Identifier: GPL-2.0
/*
 * User addresses in entry members whose names do not end in _uptr: one
 * reaches u64_to_user_ptr(), one a cast to a __user pointer
 */
#include <linux/iommufd.h>
#include <linux/uaccess.h>

struct drv_inv_va {
	__aligned_u64 user_va;
	__aligned_u64 cmds_addr;
	__u32 len;
	__u32 __reserved;
};

static int drv_read_more(struct drv_inv_va *inv)
{
	u64 cmd;

	if (copy_from_user(&cmd, (void __user *)(uintptr_t)inv->cmds_addr,
			   sizeof(cmd)))
		return -EFAULT;
	return cmd ? 0 : -EINVAL;
}

static int drv_invalidate(struct iommufd_viommu *viommu,
			  struct iommu_user_data_array *array)
{
	struct drv_inv_va inv;
	u8 b;
	int rc;

	while ((rc = iommu_user_array_next(array, 5, &inv, __reserved)) > 0) {
		if (get_user(b, (u8 __user *)u64_to_user_ptr(inv.user_va)))
			return -EFAULT;
		rc = drv_read_more(&inv);
		if (rc)
			return rc;
		iommu_user_array_ack(array, 1);
	}
	return rc;
}
