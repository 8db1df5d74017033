/* SPDX-License-Identifier: GPL-2.0 */
/* Ops structs built by macros of the driver's own header */
#define DRV_NESTED_DOMAIN_OPS(name, inval)				\
	static const struct iommu_domain_ops name = {			\
		.free = drv_domain_free,				\
		.cache_invalidate_user = inval,				\
	}

#define DRV_VIOMMU_OPS(prefix)						\
	static const struct iommufd_viommu_ops prefix##_viommu_ops = {	\
		.destroy = prefix##_viommu_destroy,			\
		.cache_invalidate = prefix##_cache_invalidate,		\
	}
