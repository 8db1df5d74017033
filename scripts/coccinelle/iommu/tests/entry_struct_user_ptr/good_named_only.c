// SPDX-License-Identifier: GPL-2.0
/*
 * Entry members only named like user addresses, never made pointers, and
 * a struct that is no entry whose member the driver makes a user pointer
 */
#include <linux/iommufd.h>
#include <linux/uaccess.h>

struct drv_inv_named {
	__aligned_u64 data_uptr;
	__aligned_u64 user_va;
	__aligned_u64 cmds_addr;
};

struct drv_ctx {
	__aligned_u64 ring_va;
};

static int drv_invalidate(struct iommufd_viommu *viommu,
			  struct iommu_user_data_array *array)
{
	struct drv_inv_named inv;
	int rc;

	while ((rc = iommu_user_array_next(array, 5, &inv, cmds_addr)) > 0) {
		if (inv.user_va + inv.cmds_addr != inv.data_uptr)
			return -EINVAL;
		iommu_user_array_ack(array, 1);
	}
	return rc;
}

static void __user *drv_ring(struct drv_ctx *ctx)
{
	return u64_to_user_ptr(ctx->ring_va);
}
