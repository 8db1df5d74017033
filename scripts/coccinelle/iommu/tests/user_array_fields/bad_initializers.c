// SPDX-License-Identifier: GPL-2.0
/* Arrays built by hand rather than with iommu_user_array_init() */
#include <linux/iommu.h>

static const struct iommu_user_data_array empty_array = {
	.type = 1,
	.entry_num = 0,
};

static int build(struct iommu_domain *domain, void __user *uptr, u32 num)
{
	struct iommu_user_data_array array = {
		.type = 2,
		.uptr = uptr,
		.entry_len = 16,
		.entry_num = num,
	};

	array = (struct iommu_user_data_array){ .type = 2, .count = num };
	return domain->ops->cache_invalidate_user(domain, &array);
}
