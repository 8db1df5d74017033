// SPDX-License-Identifier: GPL-2.0
/*
 * The mock driver's vIOMMU op of Linux 6.13 and later: the 6.12 loop, in
 * the .cache_invalidate of a struct iommufd_viommu_ops
 */
#include <linux/iommufd.h>

static int mock_viommu_cache_invalidate(struct iommufd_viommu *viommu,
					struct iommu_user_data_array *array)
{
	struct mock_viommu *mock_viommu = to_mock_viommu(viommu);
	struct iommu_viommu_invalidate_selftest inv;
	u32 processed = 0;
	u32 index = 0;
	int rc = 0;

	if (array->type != IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST) {
		rc = -EINVAL;
		goto out;
	}

	for ( ; index < array->entry_num; index++) {
		rc = iommu_copy_struct_from_user_array(&inv, array,
						       IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST,
						       index, cache_id);
		if (rc)
			break;

		if (inv.flags & ~IOMMU_TEST_INVALIDATE_FLAG_ALL) {
			rc = -EOPNOTSUPP;
			break;
		}

		if (inv.cache_id > MOCK_DEV_CACHE_ID_MAX) {
			rc = -EINVAL;
			break;
		}

		mock_viommu_flush(mock_viommu, inv.vdev_id, inv.cache_id);
		processed++;
	}

out:
	array->entry_num = processed;
	return rc;
}

static struct iommufd_viommu_ops mock_viommu_ops = {
	.destroy = mock_viommu_destroy,
	.cache_invalidate = mock_viommu_cache_invalidate,
};
