// SPDX-License-Identifier: GPL-2.0
/*
 * Entry structs without user pointers, from a local header and from the
 * uAPI, and a struct with a user pointer that is not an entry
 */
#include <linux/iommu.h>
#include <uapi/linux/iommufd.h>

#include "drv_entries.h"

struct drv_ctx {
	void __user *umem;
	u64 ring_uptr;
};

static int drv_invalidate(struct iommu_domain *domain,
			  struct iommu_user_data_array *array)
{
	struct drv_inv_plain inv;
	struct drv_ctx ctx = {};
	int rc;

	while ((rc = iommu_user_array_next(array, 5, &inv, __reserved)) > 0)
		iommu_user_array_ack(array, 1);
	return rc ? rc : (ctx.umem ? 1 : 0);
}

static int drv_invalidate_vtd(struct iommu_domain *domain,
			      struct iommu_user_data_array *array)
{
	struct iommu_hwpt_vtd_s1_invalidate inv;
	int rc;

	while ((rc = iommu_user_array_next(array,
					   IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
					   &inv, __reserved)) > 0)
		iommu_user_array_ack(array, 1);
	return rc;
}
