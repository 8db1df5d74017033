// SPDX-License-Identifier: GPL-2.0
/*
 * Without type information spatch cannot parse "u32 *p __free(kfree) = ...":
 * the function must not be skipped
 */
#include <linux/cleanup.h>
#include <linux/iommu.h>
#include <linux/slab.h>

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	u32 *cmds __free(kfree) = kcalloc(array->entry_num, sizeof(*cmds),
					  GFP_KERNEL);

	if (!cmds)
		return -ENOMEM;
	return 0;
}
