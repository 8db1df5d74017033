// SPDX-License-Identifier: GPL-2.0
/* The copy is hidden behind a static helper that the op calls */
#include <linux/iommu.h>
#include <linux/uaccess.h>

struct drv_inv {
	u64 addr;
	u32 flags;
};

static int drv_read_one(struct iommu_user_data_array *array, u32 i,
			struct drv_inv *inv)
{
	return copy_struct_from_user(inv, sizeof(*inv),
				     array->uptr + i * array->entry_len,
				     array->entry_len);
}

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_inv inv;
	int rc;

	rc = drv_read_one(array, 0, &inv);
	if (rc)
		return rc;
	return inv.flags ? -EOPNOTSUPP : 0;
}

static const struct iommu_domain_ops drv_nested_ops = {
	.cache_invalidate_user = drv_invalidate,
};
