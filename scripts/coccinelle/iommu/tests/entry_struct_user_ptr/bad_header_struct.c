// SPDX-License-Identifier: GPL-2.0
/*
 * The entry struct, declared in a local header, holds a u64 that the driver
 * makes a user pointer
 */
#include <linux/iommu.h>
#include <linux/uaccess.h>

#include "drv_entries.h"

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_inv_indirect inv[8];
	int n;

	while ((n = iommu_user_array_fetch(array, 5, inv, ARRAY_SIZE(inv),
					   data_len)) > 0) {
		if (get_user(n, (int __user *)(uintptr_t)inv[0].data_uptr))
			return -EFAULT;
		iommu_user_array_ack(array, n);
	}
	return n;
}
