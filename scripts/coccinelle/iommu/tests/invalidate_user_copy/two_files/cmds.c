// SPDX-License-Identifier: GPL-2.0
/* The helper of main.c that copies the whole array, through a wrapper */
#include <linux/iommufd.h>
#include <linux/uaccess.h>

#include "drv.h"

static void *drv_dup(const void __user *src, size_t len)
{
	return memdup_user(src, len);
}

int drv_read_cmds(struct iommu_user_data_array *array,
		  struct drv_cmd **cmds)
{
	void *buf = drv_dup(array->uptr, array->entry_num * sizeof(**cmds));

	if (IS_ERR(buf))
		return PTR_ERR(buf);
	*cmds = buf;
	return array->entry_num;
}

int drv_issue(struct drv_cmd *cmds, u32 n)
{
	return n;
}
