// SPDX-License-Identifier: GPL-2.0
/*
 * Converted loops, and a loop over another struct's entry_num that
 * copies with another helper
 */
#include <linux/iommu.h>

struct drv_inv {
	__aligned_u64 addr;
	__u32 flags;
	__u32 __reserved;
};

struct drv_table {
	u32 entry_num;
	u64 *entries;
};

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_inv inv;
	int ret;

	while ((ret = iommu_user_array_next(array, 5, &inv, __reserved)) > 0) {
		if (inv.flags)
			return -EOPNOTSUPP;
		drv_flush(domain, inv.addr);
		iommu_user_array_ack(array, 1);
	}
	return ret;
}

static int drv_fill(struct drv_table *t, const u64 __user *src)
{
	u32 i;

	for (i = 0; i < t->entry_num; i++)
		if (get_user(t->entries[i], src + i))
			return -EFAULT;
	return 0;
}
