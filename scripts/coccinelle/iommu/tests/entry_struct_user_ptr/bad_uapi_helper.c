// SPDX-License-Identifier: GPL-2.0
/*
 * A helper in a file that reads no entry turns a member of a uAPI entry
 * struct into a user pointer; the entries are read in another file
 */
#include <linux/iommufd.h>
#include <linux/uaccess.h>

int drv_vtd_peek(struct iommu_hwpt_vtd_s1_invalidate *inv)
{
	u64 v;

	return get_user(v, (u64 __user *)u64_to_user_ptr(inv->addr));
}
