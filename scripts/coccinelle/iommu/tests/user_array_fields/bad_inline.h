/* SPDX-License-Identifier: GPL-2.0 */
/* A header of a driver, scanned with --include-headers */
static inline bool drv_array_empty(const struct iommu_user_data_array *array)
{
	return !array->entry_num;
}
