// SPDX-License-Identifier: GPL-2.0
/* Private members read through macros of the driver, in its header and here */
#include <linux/iommufd.h>
#include <linux/uaccess.h>

#include "drv_accessors.h"

#define DRV_DONE(arr) ((arr).done)

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	u32 i, n = drv_array_num(array);
	u64 cmd;

	for (i = 0; i < n; i++)
		if (copy_from_user(&cmd, drv_array_buf(array) +
				   i * drv_array_len(array), sizeof(cmd)))
			return -EFAULT;
	return 0;
}

static u32 drv_done(struct iommu_user_data_array arr)
{
	return DRV_DONE(arr);
}

static u32 drv_num_of_other(struct drv_queue *q)
{
	return drv_array_num(q);
}
