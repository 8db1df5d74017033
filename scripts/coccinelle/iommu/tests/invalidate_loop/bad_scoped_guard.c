// SPDX-License-Identifier: GPL-2.0
/* spatch cannot parse scoped_guard() { }: the function must not be skipped */
#include <linux/cleanup.h>
#include <linux/iommu.h>
#include <linux/mutex.h>

struct drv_inv {
	__aligned_u64 addr;
	__u32 flags;
	__u32 __reserved;
};

struct drv_domain {
	struct iommu_domain domain;
	struct mutex lock;
};

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_domain *d = container_of(domain, struct drv_domain, domain);
	struct drv_inv inv;
	u32 index, processed = 0;
	int ret = 0;

	scoped_guard(mutex, &d->lock) {
		for (index = 0; index < array->entry_num; index++) {
			ret = iommu_copy_struct_from_user_array(&inv, array, 5,
								index,
								__reserved);
			if (ret)
				break;
			processed++;
		}
	}
	array->entry_num = processed;
	return ret;
}
