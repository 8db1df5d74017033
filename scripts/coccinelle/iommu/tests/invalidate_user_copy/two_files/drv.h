/* SPDX-License-Identifier: GPL-2.0 */
/* A two-file driver: the op in main.c, the copy in cmds.c */
struct drv_cmd {
	__aligned_u64 cmd[2];
};

int drv_read_cmds(struct iommu_user_data_array *array,
		  struct drv_cmd **cmds);
int drv_issue(struct drv_cmd *cmds, u32 n);
