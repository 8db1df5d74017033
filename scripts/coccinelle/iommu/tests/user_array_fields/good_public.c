// SPDX-License-Identifier: GPL-2.0
/*
 * A driver that uses only the public member and the helpers, a test that
 * sets up a struct iommu_user_data, and other structs with the same member
 * names
 */
#include <linux/iommu.h>

struct ring {
	u32 head;
	u32 count;
	u32 entry_num;
	void __user *uptr;
	size_t len;
};

struct req {
	u64 addr;
	u32 flags;
};

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct req reqs[8];
	int n, i;

	if (array->type != 7)
		return -EINVAL;
	while ((n = iommu_user_array_fetch(array, 7, reqs, ARRAY_SIZE(reqs),
					   flags)) > 0) {
		for (i = 0; i < n; i++)
			if (reqs[i].flags)
				return -EOPNOTSUPP;
		iommu_user_array_ack(array, n);
	}
	return n;
}

static int test_setup(struct iommu_domain *domain, void __user *umem,
		      struct ring *r)
{
	struct iommu_user_data user_data = {
		.type = 1,
		.len = 16,
	};
	struct iommu_user_data_array array;

	user_data.uptr = umem;
	r->head = r->count = r->entry_num;
	r->uptr = umem;
	r->len = 0;
	if (iommu_user_array_init(&array, 7, umem, 16, r->entry_num, 0,
				  r->entry_num, 0))
		return -EINVAL;
	return domain->ops->cache_invalidate_user(domain, &array);
}
