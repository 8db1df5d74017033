/* SPDX-License-Identifier: GPL-2.0-only */
/* The inline reader of struct iommu_user_data in include/linux/iommu.h */
#ifndef __LINUX_IOMMU_H
#define __LINUX_IOMMU_H

static inline int __iommu_copy_struct_from_user(
	void *dst_data, const struct iommu_user_data *src_data,
	unsigned int data_type, size_t data_len, size_t min_len)
{
	if (WARN_ON(!dst_data || !src_data))
		return -EINVAL;
	if (src_data->type != data_type)
		return -EINVAL;
	if (src_data->len < min_len || data_len < src_data->len)
		return -EINVAL;
	return copy_struct_from_user(dst_data, data_len, src_data->uptr,
				     src_data->len);
}

#endif
