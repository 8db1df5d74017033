// SPDX-License-Identifier: GPL-2.0-only
/*
 * The worked example of Documentation/driver-api/iommu/user-invalidation.rst:
 * the cache_invalidate_user op of a made-up IOMMU, compiled and run here on
 * the iterator so that the guide cannot rot. The guide includes the part
 * between the "example" markers.
 */
#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/iommu_user_array.h>
#include <linux/types.h>
#include "shim.h"

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

struct iommu_domain {
	int type;
};

/* What the hardware queue of this made-up IOMMU received */
struct acme_cmd {
	u64 addr;
	u64 size;
};

static struct acme_cmd issued[64];
static unsigned int nr_issued, nr_syncs, fail_issue_at = ~0U;

/* Queue n commands and wait for them: the hardware may refuse a batch */
static int acme_issue(const struct acme_cmd *cmds, unsigned int n)
{
	if (nr_syncs == fail_issue_at)
		return -ETIMEDOUT;
	memcpy(&issued[nr_issued], cmds, n * sizeof(*cmds));
	nr_issued += n;
	nr_syncs++;
	return 0;
}

/* example: start */
/* include/uapi/linux/iommufd.h: one invalidation request of the ACME IOMMU */
struct iommu_hwpt_acme_invalidate {
	__aligned_u64 addr;	/* first byte, 4KiB aligned */
	__u32 size_order;	/* 2^size_order pages of 4KiB */
	__u32 flags;		/* must be 0 */
};

#define IOMMU_HWPT_INVALIDATE_DATA_ACME	0x41434d45

struct acme_domain {
	struct iommu_domain domain;
	/* ... */
};

/* Check one request and turn it into a hardware command */
static int acme_convert(const struct iommu_hwpt_acme_invalidate *inv,
			struct acme_cmd *cmd)
{
	if (inv->flags)
		return -EOPNOTSUPP;
	if (inv->addr & 0xfff || inv->size_order > 52 - 12 ||
	    inv->addr + (4096ULL << inv->size_order) < inv->addr)
		return -EINVAL;
	cmd->addr = inv->addr;
	cmd->size = 4096ULL << inv->size_order;
	return 0;
}

static int acme_cache_invalidate_user(struct iommu_domain *domain,
				      struct iommu_user_data_array *array)
{
	struct iommu_hwpt_acme_invalidate inv[8];
	struct acme_cmd cmds[8];
	int n, i, ret = 0;

	/* Fetch a batch, convert it, issue it, then acknowledge it */
	while ((n = iommu_user_array_fetch(array,
					   IOMMU_HWPT_INVALIDATE_DATA_ACME,
					   inv, ARRAY_SIZE(inv), size_order)) > 0) {
		for (i = 0; i != n; i++) {
			ret = acme_convert(&inv[i], &cmds[i]);
			if (ret)
				break;
		}
		/* The good ones ahead of a bad request still go out */
		if (i) {
			int err = acme_issue(cmds, i);

			if (err)
				return err;
			iommu_user_array_ack(array, i);
		}
		if (ret)
			return ret;
	}
	return n;
}

/* example: end */

static int run(struct iommu_hwpt_acme_invalidate *reqs, u32 num, u32 flags,
	       u32 head, u32 tail, u32 *done, u32 *new_head)
{
	struct acme_domain d = {};
	struct iommu_user_data_array array;
	int ret;

	uspace_reset(num * sizeof(*reqs));
	memcpy(uspace_data(), reqs, num * sizeof(*reqs));
	nr_issued = 0;
	nr_syncs = 0;
	assert(!iommu_user_array_init(&array, IOMMU_HWPT_INVALIDATE_DATA_ACME,
				      (void __user *)USPACE_BASE,
				      sizeof(*reqs), num, head, tail, flags));
	ret = acme_cache_invalidate_user(&d.domain, &array);
	*done = iommu_user_array_report(&array, new_head);
	return ret;
}

int main(void)
{
	struct iommu_hwpt_acme_invalidate reqs[16];
	u32 done, head, i;

	for (i = 0; i != 16; i++)
		reqs[i] = (struct iommu_hwpt_acme_invalidate){ .addr = i << 12 };

	/* Linear, two batches */
	assert(run(reqs, 12, 0, 0, 12, &done, &head) == 0);
	assert(done == 12 && nr_issued == 12 && nr_syncs == 2);

	/* A ring of 16 from slot 12 over the wrap to slot 3: in ring order */
	assert(run(reqs, 16, IOMMU_USER_ARRAY_RING, 12, 16 | 4, &done,
		   &head) == 0);
	assert(done == 8 && head == (16 | 4) && issued[4].addr == 0);

	/* A bad request: the ones before it are issued and counted */
	reqs[5].flags = 1;
	assert(run(reqs, 12, 0, 0, 12, &done, &head) == -EOPNOTSUPP);
	assert(done == 5 && nr_issued == 5);

	/* A batch the hardware refused is not counted */
	reqs[5].flags = 0;
	fail_issue_at = 1;
	assert(run(reqs, 12, 0, 0, 12, &done, &head) == -ETIMEDOUT);
	assert(done == 8 && nr_issued == 8);
	fail_issue_at = ~0U;

	printf("example driver: PASS\n");
	return 0;
}
