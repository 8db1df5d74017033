// SPDX-License-Identifier: GPL-2.0
/* A driver that reads and writes the private members of the array */
#include <linux/iommu.h>

struct drv_state {
	struct iommu_user_data_array *array;
	struct iommu_user_data_array copy;
};

static u32 drv_count(const struct iommu_user_data_array *array)
{
	return array->entry_num - array->done;
}

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_state st = { .array = array };
	void __user *p = array->uptr + array->fetched * array->entry_len;

	if (array->type != 1)
		return -EINVAL;
	st.copy = *array;
	array->done++;
	array->fetched += 1;
	--array->count;
	st.array->head = READ_ONCE(st.copy.head);
	array->flags |= 1;
	return p ? 0 : -EFAULT;
}

static int drv_alloc(struct iommu_domain *parent,
		     const struct iommu_user_data *user_data)
{
	if (!user_data->len || user_data->uptr == NULL)
		return -EINVAL;
	return 0;
}
