// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of the user entry array iterator on real user memory: batches,
 * rings that wrap, entry sizes of other uAPI versions, and a page that is
 * not mapped.
 */
#include <kunit/test.h>
#include <linux/iommu_user_array.h>
#include <linux/mman.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

#define TYPE 7

/* A made-up entry: version 1 ended at @b, version 2 added @c */
struct entry {
	u64 a;
	u32 b;
	u32 c;
};

struct user_array_test {
	u8 __user *umem;	/* two pages */
};

static int user_array_test_init(struct kunit *test)
{
	struct user_array_test *priv;
	unsigned long addr;

	priv = kunit_kzalloc(test, sizeof(*priv), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, priv);
	addr = kunit_vm_mmap(test, NULL, 0, 2 * PAGE_SIZE,
			     PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE,
			     0);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "no user memory");
	KUNIT_ASSERT_LT(test, addr, (unsigned long)TASK_SIZE);
	priv->umem = (u8 __user *)addr;
	test->priv = priv;
	return 0;
}

/* Write n entries of entry_len bytes; entry i has a = i + 1, b = i */
static void put_entries(struct kunit *test, void __user *uptr, size_t len,
			u32 n)
{
	struct entry e = {};
	u8 buf[32] = {};
	u32 i;

	KUNIT_ASSERT_LE(test, len, sizeof(buf));
	for (i = 0; i != n; i++) {
		e.a = i + 1;
		e.b = i;
		memcpy(buf, &e, min(len, sizeof(e)));
		KUNIT_ASSERT_EQ(test, 0,
				copy_to_user(uptr + i * len, buf, len));
	}
}

static void user_array_test_linear_batches(struct kunit *test)
{
	struct user_array_test *priv = test->priv;
	struct iommu_user_data_array array;
	struct entry kdst[3];
	u32 i, seen = 0, head;
	int n;

	put_entries(test, priv->umem, sizeof(struct entry), 8);
	KUNIT_ASSERT_EQ(test, 0,
			iommu_user_array_init(&array, TYPE, priv->umem,
					      sizeof(struct entry), 8, 0, 8, 0));
	while ((n = iommu_user_array_fetch(&array, TYPE, kdst,
					   ARRAY_SIZE(kdst), b)) > 0) {
		KUNIT_EXPECT_LE(test, n, 3);
		for (i = 0; i != n; i++, seen++) {
			KUNIT_EXPECT_EQ(test, kdst[i].a, seen + 1);
			KUNIT_EXPECT_EQ(test, kdst[i].b, seen);
		}
		iommu_user_array_ack(&array, n);
	}
	KUNIT_EXPECT_EQ(test, n, 0);
	KUNIT_EXPECT_EQ(test, seen, 8);
	KUNIT_EXPECT_EQ(test, iommu_user_array_report(&array, &head), 8);
}

/* Slots 6 and 7, then across the end to slots 0 to 3, all fetched */
static void fetch_wrapped_ring(struct kunit *test,
			       struct iommu_user_data_array *array,
			       struct entry kdst[8])
{
	struct user_array_test *priv = test->priv;

	KUNIT_ASSERT_EQ(test, 0,
			iommu_user_array_init(array, TYPE, priv->umem,
					      sizeof(struct entry), 8, 6, 8 | 4,
					      IOMMU_USER_ARRAY_RING));
	KUNIT_ASSERT_EQ(test, iommu_user_array_count(array), 6);
	KUNIT_ASSERT_EQ(test, 6, iommu_user_array_fetch(array, TYPE, kdst, 8,
							b));
}

static void user_array_test_ring_wrap(struct kunit *test)
{
	static const u32 order[] = { 6, 7, 0, 1, 2, 3 };
	struct user_array_test *priv = test->priv;
	struct iommu_user_data_array array;
	struct entry kdst[8];
	u32 i, head;

	put_entries(test, priv->umem, sizeof(struct entry), 8);
	fetch_wrapped_ring(test, &array, kdst);
	for (i = 0; i != ARRAY_SIZE(order); i++)
		KUNIT_EXPECT_EQ(test, kdst[i].b, order[i]);
	KUNIT_EXPECT_EQ(test, 0, iommu_user_array_fetch(&array, TYPE, kdst,
							ARRAY_SIZE(kdst), b));

	/* Four handled: head moves past the wrap with its wrap bit set */
	iommu_user_array_ack(&array, 4);
	KUNIT_EXPECT_EQ(test, iommu_user_array_report(&array, &head), 4);
	KUNIT_EXPECT_EQ(test, head, 8 | 2);
}

/*
 * A stop for user space: a hand-back leaves the entry at the reported head,
 * a notification follows the entry at head - 1; without one there is none.
 */
static void user_array_test_stop(struct kunit *test)
{
	struct user_array_test *priv = test->priv;
	struct iommu_user_data_array array;
	struct entry kdst[8];
	u32 head;

	put_entries(test, priv->umem, sizeof(struct entry), 8);
	fetch_wrapped_ring(test, &array, kdst);
	KUNIT_EXPECT_EQ(test, iommu_user_array_stopped(&array), 0);

	/* Slots 6, 7 and 0 handled, slot 1 handed back */
	iommu_user_array_ack(&array, 3);
	iommu_user_array_stop(&array, IOMMU_USER_ARRAY_STOP_HANDBACK);
	KUNIT_EXPECT_EQ(test, iommu_user_array_stopped(&array),
			IOMMU_USER_ARRAY_STOP_HANDBACK);
	KUNIT_EXPECT_EQ(test, iommu_user_array_report(&array, &head), 3);
	KUNIT_EXPECT_EQ(test, head, 8 | 1);

	/* A notification after the last entry: all handled, still told */
	fetch_wrapped_ring(test, &array, kdst);
	iommu_user_array_ack(&array, 6);
	iommu_user_array_stop(&array, IOMMU_USER_ARRAY_STOP_NOTIFY);
	KUNIT_EXPECT_EQ(test, iommu_user_array_stopped(&array),
			IOMMU_USER_ARRAY_STOP_NOTIFY);
	KUNIT_EXPECT_EQ(test, iommu_user_array_report(&array, &head), 6);
	KUNIT_EXPECT_EQ(test, head, 8 | 4);

	/* A new array forgets the last one's stop */
	KUNIT_ASSERT_EQ(test, 0,
			iommu_user_array_init(&array, TYPE, priv->umem,
					      sizeof(struct entry), 8, 0, 8, 0));
	KUNIT_ASSERT_EQ(test, 8, iommu_user_array_fetch(&array, TYPE, kdst,
							ARRAY_SIZE(kdst), b));
	iommu_user_array_ack(&array, 1);
	KUNIT_EXPECT_EQ(test, iommu_user_array_stopped(&array), 0);
}

static void user_array_test_unmapped_page(struct kunit *test)
{
	struct user_array_test *priv = test->priv;
	const size_t len = sizeof(struct entry);
	/* Three entries at the end of the first page, the rest on the second */
	void __user *uptr = priv->umem + PAGE_SIZE - 3 * len;
	struct iommu_user_data_array array;
	struct entry kdst[8];
	u32 head, got = 0;
	int n;

	put_entries(test, uptr, len, 6);
	KUNIT_ASSERT_EQ(test, 0, vm_munmap((unsigned long)priv->umem +
					   PAGE_SIZE, PAGE_SIZE));

	KUNIT_ASSERT_EQ(test, 0,
			iommu_user_array_init(&array, TYPE, uptr, len, 8, 1,
					      8 | 1, IOMMU_USER_ARRAY_RING));
	/*
	 * Slots 1 and 2 are readable, slot 3 is the first on the hole. A
	 * copy_from_user() may stop short of a fault, so the two may come
	 * in more than one fetch; the error comes only at slot 3.
	 */
	while ((n = iommu_user_array_fetch(&array, TYPE, kdst + got,
					   ARRAY_SIZE(kdst) - got, b)) > 0)
		got += n;
	KUNIT_EXPECT_EQ(test, n, -EFAULT);
	KUNIT_ASSERT_EQ(test, got, 2);
	KUNIT_EXPECT_EQ(test, kdst[1].b, 2);
	iommu_user_array_ack(&array, got);
	KUNIT_EXPECT_EQ(test, -EFAULT, iommu_user_array_fetch(&array, TYPE,
							      kdst, 1, b));
	KUNIT_EXPECT_EQ(test, iommu_user_array_report(&array, &head), 2);
	KUNIT_EXPECT_EQ(test, head, 3);

	/* One at a time, the same */
	KUNIT_ASSERT_EQ(test, 0,
			iommu_user_array_init(&array, TYPE, uptr, len, 6, 0, 6,
					      0));
	KUNIT_EXPECT_EQ(test, 1, iommu_user_array_next(&array, TYPE, kdst, b));
	iommu_user_array_ack(&array, 1);
	KUNIT_EXPECT_EQ(test, 1, iommu_user_array_next(&array, TYPE, kdst, b));
	KUNIT_EXPECT_EQ(test, 1, iommu_user_array_next(&array, TYPE, kdst, b));
	KUNIT_EXPECT_EQ(test, -EFAULT,
			iommu_user_array_next(&array, TYPE, kdst, b));
	/* Copied is not handled: only the acknowledged entry counts */
	KUNIT_EXPECT_EQ(test, iommu_user_array_report(&array, NULL), 1);
}

static void user_array_test_entry_versions(struct kunit *test)
{
	struct user_array_test *priv = test->priv;
	struct iommu_user_data_array array;
	const u8 one = 1;
	struct entry kdst[4];

	/* Version 1 entries (12 bytes) come back with c zeroed */
	memset(kdst, 0xff, sizeof(kdst));
	put_entries(test, priv->umem, offsetofend(struct entry, b), 4);
	KUNIT_ASSERT_EQ(test, 0,
			iommu_user_array_init(&array, TYPE, priv->umem,
					      offsetofend(struct entry, b), 4,
					      0, 4, 0));
	KUNIT_ASSERT_EQ(test, 4, iommu_user_array_fetch(&array, TYPE, kdst,
							ARRAY_SIZE(kdst), b));
	KUNIT_EXPECT_EQ(test, kdst[3].a, 4);
	KUNIT_EXPECT_EQ(test, kdst[3].b, 3);
	KUNIT_EXPECT_EQ(test, kdst[3].c, 0);

	/* Newer, longer entries: zero tail accepted, non-zero is -E2BIG */
	put_entries(test, priv->umem, 24, 4);
	KUNIT_ASSERT_EQ(test, 0, copy_to_user(priv->umem + 2 * 24 + 20, &one,
					      1));
	KUNIT_ASSERT_EQ(test, 0,
			iommu_user_array_init(&array, TYPE, priv->umem, 24, 4,
					      0, 4, 0));
	KUNIT_EXPECT_EQ(test, 2, iommu_user_array_fetch(&array, TYPE, kdst,
							ARRAY_SIZE(kdst), b));
	KUNIT_EXPECT_EQ(test, kdst[1].b, 1);
	KUNIT_EXPECT_EQ(test, -E2BIG, iommu_user_array_fetch(&array, TYPE,
							     kdst, 4, b));

	/* Shorter than version 1, or of another type */
	KUNIT_ASSERT_EQ(test, 0,
			iommu_user_array_init(&array, TYPE, priv->umem, 8, 4,
					      0, 4, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, iommu_user_array_fetch(&array, TYPE,
							      kdst, 4, b));
	KUNIT_EXPECT_EQ(test, -EINVAL, iommu_user_array_fetch(&array, TYPE + 1,
							      kdst, 4, b));
}

static void user_array_test_geometry(struct kunit *test)
{
	struct user_array_test *priv = test->priv;
	struct iommu_user_data_array array;
	void __user *u = priv->umem;
	const u32 ring = IOMMU_USER_ARRAY_RING;

	KUNIT_EXPECT_EQ(test, 0, iommu_user_array_init(&array, TYPE, NULL, 0,
						       0, 0, 0, 0));
	KUNIT_EXPECT_EQ(test, 0, iommu_user_array_init(&array, TYPE, NULL, 0,
						       8, 5, 5, ring));
	/* Without entries any entry_len is valid: user space probes a type */
	KUNIT_EXPECT_EQ(test, 0, iommu_user_array_init(&array, TYPE, NULL,
						       PAGE_SIZE + 1, 0, 0, 0,
						       0));
	KUNIT_EXPECT_EQ(test, 0, iommu_user_array_init(&array, TYPE, u,
						       SIZE_MAX, 0, 0, 0, 0));
	KUNIT_EXPECT_EQ(test, 0, iommu_user_array_init(&array, TYPE, u,
						       PAGE_SIZE + 1, 8, 5, 5,
						       ring));
	KUNIT_EXPECT_EQ(test, 0,
			iommu_user_array_init(&array, TYPE, NULL, SIZE_MAX,
					      IOMMU_USER_ARRAY_MAX_ENTRIES, 0,
					      0, ring));
	KUNIT_EXPECT_EQ(test, iommu_user_array_count(&array), 0);
	/* But a ring needs a valid geometry even when empty */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			iommu_user_array_init(&array, TYPE, u, 16,
					      2 * IOMMU_USER_ARRAY_MAX_ENTRIES,
					      0, 0, ring));
	KUNIT_EXPECT_EQ(test, -EINVAL, iommu_user_array_init(&array, TYPE, u,
							     16, 6, 1, 1,
							     ring));
	KUNIT_EXPECT_EQ(test, -EINVAL, iommu_user_array_init(&array, TYPE, u,
							     PAGE_SIZE + 1, 8,
							     3, 4, ring));
	KUNIT_EXPECT_EQ(test, -EINVAL, iommu_user_array_init(&array, TYPE, NULL,
							     16, 1, 0, 1, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, iommu_user_array_init(&array, TYPE, u, 0,
							     1, 0, 1, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL, iommu_user_array_init(&array, TYPE, u,
							     PAGE_SIZE + 1, 1,
							     0, 1, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			iommu_user_array_init(&array, TYPE, u, 16,
					      IOMMU_USER_ARRAY_MAX_ENTRIES + 1,
					      0, IOMMU_USER_ARRAY_MAX_ENTRIES + 1,
					      0));
	KUNIT_EXPECT_EQ(test, -EINVAL, iommu_user_array_init(&array, TYPE, u,
							     16, 6, 0, 1,
							     ring));
	KUNIT_EXPECT_EQ(test, -EINVAL, iommu_user_array_init(&array, TYPE, u,
							     16, 8, 16, 16,
							     ring));
	KUNIT_EXPECT_EQ(test, -EINVAL, iommu_user_array_init(&array, TYPE, u,
							     16, 8, 1, 10,
							     ring));
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			iommu_user_array_init(&array, TYPE, u, 16, 8, 0, 1,
					      ring << 1));
	/* Full: same slot, other wrap bit */
	KUNIT_EXPECT_EQ(test, 0, iommu_user_array_init(&array, TYPE, u, 16, 8,
						       3, 8 | 3, ring));
	KUNIT_EXPECT_EQ(test, iommu_user_array_count(&array), 8);
}

static struct kunit_case user_array_test_cases[] = {
	KUNIT_CASE(user_array_test_linear_batches),
	KUNIT_CASE(user_array_test_ring_wrap),
	KUNIT_CASE(user_array_test_stop),
	KUNIT_CASE(user_array_test_unmapped_page),
	KUNIT_CASE(user_array_test_entry_versions),
	KUNIT_CASE(user_array_test_geometry),
	{}
};

static struct kunit_suite user_array_test_suite = {
	.name = "iommufd-user-array",
	.init = user_array_test_init,
	.test_cases = user_array_test_cases,
};

kunit_test_suite(user_array_test_suite);

MODULE_DESCRIPTION("KUnit tests of the iommufd user entry array iterator");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(IOMMUFD);
