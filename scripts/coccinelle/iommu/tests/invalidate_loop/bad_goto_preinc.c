// SPDX-License-Identifier: GPL-2.0
/*
 * The loop of Linux 6.12 with the index set before the loop, a
 * pre-increment and a goto on a copy error
 */
#include <linux/iommu.h>

struct drv_inv {
	__aligned_u64 addr;
	__u32 flags;
	__u32 __reserved;
};

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_inv inv;
	u32 n = 0;
	u32 i = 0;
	int err = 0;

	for (; i < array->entry_num; ++i) {
		err = iommu_copy_struct_from_user_array(&inv, array, 5, i,
							__reserved);
		if (err)
			goto out;
		if (inv.flags) {
			err = -EOPNOTSUPP;
			break;
		}
		drv_flush(domain, inv.addr);
		n++;
	}
out:
	array->entry_num = n;
	return err;
}

static const struct iommu_domain_ops drv_nested_ops = {
	.cache_invalidate_user = drv_invalidate,
};
