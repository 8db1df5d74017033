/* SPDX-License-Identifier: GPL-2.0 */
/* Entry structs of a driver, in a header that its source includes */
struct drv_inv_indirect {
	__aligned_u64 addr;
	__aligned_u64 data_uptr;
	__u32 data_len;
	__u32 __reserved;
};

struct drv_inv_plain {
	__aligned_u64 addr;
	__aligned_u64 uptr_count;
	__u32 flags;
	__u32 __reserved;
};
