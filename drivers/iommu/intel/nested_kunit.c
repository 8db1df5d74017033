// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of VT-d nested cache invalidation: the real
 * intel_nested_cache_invalidate_user() on a nested domain built without
 * hardware, with cache_tag_flush_range() replaced by a recorder.
 */
#include <kunit/static_stub.h>
#include <kunit/test-bug.h>
#include <kunit/test.h>
#include <linux/iommu.h>
#include <linux/mman.h>
#include <linux/uaccess.h>

#include "iommu.h"

#define MAX_FLUSHES	8
#define LEAF		IOMMU_VTD_INV_FLAGS_LEAF

struct flush {
	unsigned long start;
	unsigned long end;
	int ih;
};

struct vtd_test {
	struct dmar_domain s2;
	struct iommu_domain *nested;
	void __user *umem;
	struct flush flushes[MAX_FLUSHES];
	unsigned int nr_flushes;
};

static void record_flush(struct dmar_domain *domain, unsigned long start,
			 unsigned long end, int ih)
{
	struct vtd_test *t = kunit_get_current_test()->priv;

	if (t->nr_flushes < MAX_FLUSHES)
		t->flushes[t->nr_flushes] = (struct flush){ start, end, ih };
	t->nr_flushes++;
}

static int vtd_test_init(struct kunit *test)
{
	struct iommu_hwpt_vtd_s1 s1 = { .addr_width = 48 };
	struct iommu_user_data user_data = {
		.type = IOMMU_HWPT_DATA_VTD_S1,
		.len = sizeof(s1),
	};
	struct vtd_test *t;
	unsigned long addr;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	test->priv = t;

	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "no user memory");
	t->umem = (void __user *)addr;

	/* A nesting parent as far as the nested domain can tell */
	t->s2.domain.ops = intel_iommu_ops.default_domain_ops;
	t->s2.nested_parent = true;
	spin_lock_init(&t->s2.s1_lock);
	INIT_LIST_HEAD(&t->s2.s1_domains);

	KUNIT_ASSERT_EQ(test, 0, copy_to_user(t->umem, &s1, sizeof(s1)));
	user_data.uptr = t->umem;
	t->nested = intel_nested_domain_alloc(&t->s2.domain, &user_data);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->nested);

	kunit_activate_static_stub(test, cache_tag_flush_range, record_flush);
	return 0;
}

static void vtd_test_exit(struct kunit *test)
{
	struct vtd_test *t = test->priv;

	if (!IS_ERR_OR_NULL(t->nested))
		t->nested->ops->free(t->nested);
}

/* Invalidate with reqs laid out in a ring (or a linear array if !ring) */
static int invalidate(struct kunit *test,
		      const struct iommu_hwpt_vtd_s1_invalidate *reqs,
		      u32 num, bool ring, u32 *head, u32 tail, u32 *done)
{
	struct vtd_test *t = test->priv;
	struct iommu_user_data_array array;
	int rc;

	KUNIT_ASSERT_EQ(test, 0, copy_to_user(t->umem, reqs,
					      num * sizeof(*reqs)));
	KUNIT_ASSERT_EQ(test, 0,
			iommu_user_array_init(&array,
					      IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
					      t->umem, sizeof(*reqs), num,
					      ring ? *head : 0,
					      ring ? tail : num,
					      ring ? IOMMU_USER_ARRAY_RING : 0));
	rc = t->nested->ops->cache_invalidate_user(t->nested, &array);
	*done = iommu_user_array_report(&array, head);
	return rc;
}

static void expect_flush(struct kunit *test, unsigned int i,
			 unsigned long start, unsigned long end, int ih)
{
	struct vtd_test *t = test->priv;

	KUNIT_ASSERT_LT(test, i, t->nr_flushes);
	KUNIT_EXPECT_EQ(test, t->flushes[i].start, start);
	KUNIT_EXPECT_EQ(test, t->flushes[i].end, end);
	KUNIT_EXPECT_EQ(test, t->flushes[i].ih, ih);
}

static const struct {
	const char *what;
	struct iommu_hwpt_vtd_s1_invalidate req;
	struct flush flush;
} flushed[] = {
	{ "single page", { .addr = 0x1000, .npages = 1 },
	  { 0x1000, 0x1fff, 0 } },
	{ "range, leaf", { .addr = 0x7f0000200000, .npages = 512, .flags = LEAF },
	  { 0x7f0000200000, 0x7f00003fffff, 1 } },
	/* As 6.12 computed it: the whole space less its last page */
	{ "all", { .addr = 0, .npages = U64_MAX },
	  { 0, (U64_MAX << VTD_PAGE_SHIFT) - 1, 0 } },
	/* 2^52 pages from 0 are the whole space too, flushed as "all" */
	{ "2^64 bytes from 0", { .addr = 0, .npages = 1ULL << 52 },
	  { 0, (U64_MAX << VTD_PAGE_SHIFT) - 1, 0 } },
	{ "upper half", { .addr = 1ULL << 63, .npages = 1ULL << 51 },
	  { 1ULL << 63, U64_MAX, 0 } },
	{ "last page", { .addr = 0xfffffffffffff000, .npages = 1, .flags = LEAF },
	  { 0xfffffffffffff000, U64_MAX, 1 } },
};

static void vtd_test_flushed(struct kunit *test)
{
	struct vtd_test *t = test->priv;
	u32 done, head;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(flushed); i++) {
		t->nr_flushes = 0;
		KUNIT_EXPECT_EQ_MSG(test, 0,
				    invalidate(test, &flushed[i].req, 1, false,
					       &head, 0, &done),
				    "%s", flushed[i].what);
		KUNIT_EXPECT_EQ_MSG(test, done, 1, "%s", flushed[i].what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_flushes, 1, "%s",
				    flushed[i].what);
		/* Go on with the other cases */
		if (t->nr_flushes != 1)
			continue;
		expect_flush(test, 0, flushed[i].flush.start,
			     flushed[i].flush.end, flushed[i].flush.ih);
	}
}

static void vtd_test_ring_wrap(struct kunit *test)
{
	const struct iommu_hwpt_vtd_s1_invalidate reqs[4] = {
		{ .addr = 0x10000, .npages = 1 },
		{ .addr = 0x20000, .npages = 2, .flags = LEAF },
		{ .addr = 0x1, .npages = 1 },	/* outside the ring: bad */
		{ .addr = 0x30000, .npages = 4 },
	};
	struct vtd_test *t = test->priv;
	u32 done, head = 3;

	/* Slot 3, then over the end to slots 0 and 1 */
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, reqs, 4, true, &head, 4 | 2,
					    &done));
	KUNIT_EXPECT_EQ(test, done, 3);
	KUNIT_EXPECT_EQ(test, head, 4 | 2);
	KUNIT_EXPECT_EQ(test, t->nr_flushes, 3);
	expect_flush(test, 0, 0x30000, 0x33fff, 0);
	expect_flush(test, 1, 0x10000, 0x10fff, 0);
	expect_flush(test, 2, 0x20000, 0x21fff, 1);
}

static void vtd_test_bad_entry_in_the_middle(struct kunit *test)
{
	const struct iommu_hwpt_vtd_s1_invalidate reqs[4] = {
		{ .addr = 0x10000, .npages = 1 },
		{ .addr = 0x20000, .npages = 1 },
		{ .addr = 0x30000, .npages = 0 },
		{ .addr = 0x40000, .npages = 1 },
	};
	struct vtd_test *t = test->priv;
	u32 done, head = 1;

	KUNIT_EXPECT_EQ(test, -EINVAL, invalidate(test, reqs, 4, false, &head,
						  0, &done));
	KUNIT_EXPECT_EQ(test, done, 2);
	KUNIT_EXPECT_EQ(test, t->nr_flushes, 2);
	expect_flush(test, 1, 0x20000, 0x20fff, 0);

	/* In a ring from slot 1 the head comes back naming slot 2 */
	t->nr_flushes = 0;
	head = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, invalidate(test, reqs, 4, true, &head,
						  4 | 1, &done));
	KUNIT_EXPECT_EQ(test, done, 1);
	KUNIT_EXPECT_EQ(test, head, 2);
	KUNIT_EXPECT_EQ(test, t->nr_flushes, 1);
}

static const struct {
	const char *what;
	struct iommu_hwpt_vtd_s1_invalidate req;
	int err;
} rejected[] = {
	{ "unknown flag", { .addr = 0x1000, .npages = 1, .flags = 2 },
	  -EOPNOTSUPP },
	{ "reserved field", { .addr = 0x1000, .npages = 1, .__reserved = 1 },
	  -EOPNOTSUPP },
	{ "unaligned addr", { .addr = 0x1800, .npages = 1 }, -EINVAL },
	{ "no pages", { .addr = 0x1000, .npages = 0 }, -EINVAL },
	{ "all, not from 0", { .addr = 0x1000, .npages = U64_MAX }, -EINVAL },
	{ "size above 2^64", { .addr = 0, .npages = (1ULL << 52) + 1 },
	  -EINVAL },
	{ "size overflows", { .addr = 0, .npages = 1ULL << 63 }, -EINVAL },
	{ "end past 2^64", { .addr = 0xfffffffffffff000, .npages = 2 },
	  -EINVAL },
	{ "upper half and a page", { .addr = 1ULL << 63,
				     .npages = (1ULL << 51) + 1 }, -EINVAL },
};

static void vtd_test_rejected(struct kunit *test)
{
	struct vtd_test *t = test->priv;
	u32 done, head;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(rejected); i++) {
		t->nr_flushes = 0;
		KUNIT_EXPECT_EQ_MSG(test, rejected[i].err,
				    invalidate(test, &rejected[i].req, 1, false,
					       &head, 0, &done),
				    "%s", rejected[i].what);
		KUNIT_EXPECT_EQ_MSG(test, done, 0, "%s", rejected[i].what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_flushes, 0, "%s",
				    rejected[i].what);
	}
}

/*
 * npages 0 through the real cache_tag_flush_range(), on a domain without
 * cache tags so that nothing reaches hardware. Before it was refused, it
 * made calculate_psi_aligned_address() round 0 pages up to a power of two,
 * a shift by 64 that UBSAN reports as shift-out-of-bounds.
 */
static void vtd_test_no_pages_real_flush(struct kunit *test)
{
	const struct iommu_hwpt_vtd_s1_invalidate req = {
		.addr = 0x1000, .npages = 0,
	};
	u32 done, head;

	kunit_deactivate_static_stub(test, cache_tag_flush_range);
	KUNIT_EXPECT_EQ(test, -EINVAL, invalidate(test, &req, 1, false, &head,
						  0, &done));
	KUNIT_EXPECT_EQ(test, done, 0);
}

static void vtd_test_wrong_type(struct kunit *test)
{
	struct vtd_test *t = test->priv;
	struct iommu_user_data_array array;

	KUNIT_ASSERT_EQ(test, 0,
			iommu_user_array_init(&array,
					      IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 + 1,
					      t->umem, 8, 1, 0, 1, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			t->nested->ops->cache_invalidate_user(t->nested,
							      &array));
	KUNIT_EXPECT_EQ(test, iommu_user_array_report(&array, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->nr_flushes, 0);
}

static struct kunit_case vtd_test_cases[] = {
	KUNIT_CASE(vtd_test_flushed),
	KUNIT_CASE(vtd_test_ring_wrap),
	KUNIT_CASE(vtd_test_bad_entry_in_the_middle),
	KUNIT_CASE(vtd_test_rejected),
	KUNIT_CASE(vtd_test_no_pages_real_flush),
	KUNIT_CASE(vtd_test_wrong_type),
	{}
};

static struct kunit_suite vtd_test_suite = {
	.name = "intel-iommu-nested-invalidate",
	.init = vtd_test_init,
	.exit = vtd_test_exit,
	.test_cases = vtd_test_cases,
};

kunit_test_suite(vtd_test_suite);
