// SPDX-License-Identifier: GPL-2.0
/* The same check for the helper of Linux 6.12 */
#include <linux/iommu.h>
#include <linux/uaccess.h>

struct drv_inv {
	__aligned_u64 addr;
	__aligned_u64 cmd_uptr;
};

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_inv inv;
	u32 i;
	int rc = 0;

	for (i = 0; i < array->entry_num; i++) {
		rc = iommu_copy_struct_from_user_array(&inv, array, 5, i,
						       cmd_uptr);
		if (rc)
			break;
		rc = copy_to_user(u64_to_user_ptr(inv.cmd_uptr), &inv.addr,
				  sizeof(inv.addr)) ? -EFAULT : 0;
		if (rc)
			break;
	}
	array->entry_num = i;
	return rc;
}
