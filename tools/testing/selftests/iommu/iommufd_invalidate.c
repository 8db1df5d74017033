// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOMMU_HWPT_INVALIDATE through the iommufd mock driver: linear arrays and
 * rings, every error the core reports and the progress it reports with it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "iommufd_utils.h"

#define SELFTEST IOMMU_HWPT_INVALIDATE_DATA_SELFTEST
#define RING IOMMU_HWPT_INVALIDATE_FLAG_RING
#define IOTLB_BAD (MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1)

struct inv_req {
	__u32 flags;
	__u32 iotlb_id;
};

/* A newer, longer version of the entry struct */
struct inv_req_long {
	struct inv_req req;
	__u64 extra;
};

static __attribute__((constructor)) void setup_sizes(void)
{
	PAGE_SIZE = sysconf(_SC_PAGE_SIZE);
}

/*
 * Issue IOMMU_HWPT_INVALIDATE; return 0 or -errno, and what the kernel wrote
 * back: the entries handled and, for a ring, the new head.
 */
static int inv(int fd, __u32 hwpt_id, void *reqs, __u32 type, __u32 len,
	       __u32 num, __u32 flags, __u32 *head, __u32 tail, __u32 *done)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt_id,
		.data_uptr = (uintptr_t)reqs,
		.data_type = type,
		.entry_len = len,
		.entry_num = num,
		.flags = flags,
		.head = head ? *head : 0,
		.tail = tail,
	};
	int rc;

	rc = ioctl(fd, IOMMU_HWPT_INVALIDATE, &cmd);
	*done = cmd.entry_num;
	if (head)
		*head = cmd.head;
	return rc ? -errno : 0;
}

FIXTURE(invalidate)
{
	int fd;
	__u32 ioas_id;
	__u32 stdev_id;
	__u32 device_id;
	__u32 parent_id;
	__u32 nested_id;
	struct inv_req *reqs;
};

FIXTURE_SETUP(invalidate)
{
	struct iommu_hwpt_selftest data = {
		.iotlb = IOMMU_TEST_IOTLB_DEFAULT,
	};

	self->fd = open("/dev/iommu", O_RDWR);
	ASSERT_NE(-1, self->fd);
	test_ioctl_ioas_alloc(&self->ioas_id);
	test_cmd_mock_domain(self->ioas_id, &self->stdev_id, NULL,
			     &self->device_id);
	test_cmd_hwpt_alloc(self->device_id, self->ioas_id,
			    IOMMU_HWPT_ALLOC_NEST_PARENT, &self->parent_id);
	test_cmd_hwpt_alloc_nested(self->device_id, self->parent_id, 0,
				   &self->nested_id, IOMMU_HWPT_DATA_SELFTEST,
				   &data, sizeof(data));
	/* Two pages; tests unmap the second to make a hole */
	self->reqs = mmap(NULL, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->reqs);
}

FIXTURE_TEARDOWN(invalidate)
{
	munmap(self->reqs, 2 * PAGE_SIZE);
	close(self->fd);
}

/* Each mock IOTLB slot is either untouched or invalidated (zero) */
#define check_iotlbs(mask)                                                  \
	({                                                                  \
		int __i;                                                    \
		for (__i = 0; __i != MOCK_NESTED_DOMAIN_IOTLB_NUM; __i++)   \
			test_cmd_hwpt_check_iotlb(                          \
				self->nested_id, __i,                       \
				((mask) & (1 << __i)) ?                     \
					0 : IOMMU_TEST_IOTLB_DEFAULT);      \
	})

/* Fill n slots of reqs: slot i invalidates IOTLB id ids[i] */
static void fill(struct inv_req *reqs, const __u32 *ids, int n)
{
	int i;

	for (i = 0; i != n; i++)
		reqs[i] = (struct inv_req){ .iotlb_id = ids[i] };
}

TEST_F(invalidate, probe_type)
{
	__u32 done, head = 3;

	/* An empty array probes the type, whatever the buffer */
	ASSERT_EQ(0, inv(self->fd, self->nested_id, NULL, SELFTEST, 0, 0, 0,
			 NULL, 0, &done));
	ASSERT_EQ(0, done);
	ASSERT_EQ(0, inv(self->fd, self->nested_id, NULL, SELFTEST, 0, 8,
			 RING, &head, 3, &done));
	ASSERT_EQ(0, done);
	ASSERT_EQ(3, head);
	/* An unknown type fails even when empty */
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, NULL, SELFTEST + 1,
			       0, 0, 0, NULL, 0, &done));
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, NULL, SELFTEST + 1,
			       0, 8, RING, &head, 3, &done));
	check_iotlbs(0);
}

TEST_F(invalidate, unknown_type)
{
	static const __u32 ids[] = { 0, 1 };
	__u32 done, head = 0;

	fill(self->reqs, ids, 2);
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs,
			       SELFTEST + 1, sizeof(struct inv_req), 2, 0,
			       NULL, 0, &done));
	ASSERT_EQ(0, done);
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs,
			       SELFTEST + 1, sizeof(struct inv_req), 2, RING,
			       &head, 2, &done));
	ASSERT_EQ(0, done);
	ASSERT_EQ(0, head);
	check_iotlbs(0);
}

TEST_F(invalidate, entry_len)
{
	static const __u32 ids[] = { 0, 1 };
	__u32 done, head = 0;

	fill(self->reqs, ids, 2);
	/* Zero, or below the first version of the struct */
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       0, 2, 0, NULL, 0, &done));
	ASSERT_EQ(0, done);
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       sizeof(struct inv_req) - 1, 2, 0, NULL, 0,
			       &done));
	ASSERT_EQ(0, done);
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       sizeof(struct inv_req) - 1, 2, RING, &head, 2,
			       &done));
	ASSERT_EQ(0, done);
	/* Above PAGE_SIZE */
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       PAGE_SIZE + 1, 1, 0, NULL, 0, &done));
	ASSERT_EQ(0, done);
	check_iotlbs(0);
}

TEST_F(invalidate, entry_num_cap)
{
	__u32 done;

	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       sizeof(struct inv_req), (1U << 19) + 1, 0, NULL,
			       0, &done));
	ASSERT_EQ(0, done);
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       sizeof(struct inv_req), UINT32_MAX, 0, NULL, 0,
			       &done));
	ASSERT_EQ(0, done);
}

TEST_F(invalidate, null_uptr)
{
	__u32 done, head = 0;

	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, NULL, SELFTEST,
			       sizeof(struct inv_req), 1, 0, NULL, 0, &done));
	ASSERT_EQ(0, done);
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, NULL, SELFTEST,
			       sizeof(struct inv_req), 4, RING, &head, 1,
			       &done));
	ASSERT_EQ(0, done);
}

TEST_F(invalidate, longer_entries)
{
	struct inv_req_long *reqs = (struct inv_req_long *)self->reqs;
	__u32 done, head = 0;
	int i;

	for (i = 0; i != 4; i++)
		reqs[i] = (struct inv_req_long){ .req.iotlb_id = i };
	/* Zero trailing bytes are accepted */
	ASSERT_EQ(0, inv(self->fd, self->nested_id, reqs, SELFTEST,
			 sizeof(*reqs), 2, 0, NULL, 0, &done));
	ASSERT_EQ(2, done);
	check_iotlbs(0x3);

	/* A non-zero trailing byte in entry 1: entry 0 handled, not after */
	reqs[1].extra = 1ULL << 40;
	ASSERT_EQ(-E2BIG, inv(self->fd, self->nested_id, &reqs[0], SELFTEST,
			      sizeof(*reqs), 4, RING, &head, 4, &done));
	ASSERT_EQ(1, done);
	ASSERT_EQ(1, head);
	ASSERT_EQ(-E2BIG, inv(self->fd, self->nested_id, &reqs[1], SELFTEST,
			      sizeof(*reqs), 3, 0, NULL, 0, &done));
	ASSERT_EQ(0, done);
	check_iotlbs(0x3);
	reqs[1].extra = 0;
	ASSERT_EQ(0, inv(self->fd, self->nested_id, reqs, SELFTEST,
			 sizeof(*reqs), 4, 0, NULL, 0, &done));
	ASSERT_EQ(4, done);
	check_iotlbs(0xf);
}

TEST_F(invalidate, unmapped_page)
{
	static const __u32 ids[] = { 0, 1, 2, 3, 0, 1, 2, 3 };
	/* Five slots at the end of the first page, three on the second */
	struct inv_req *ring = (struct inv_req *)((char *)self->reqs +
						  PAGE_SIZE) - 5;
	__u32 done, head;

	fill(ring, ids, 8);
	ASSERT_EQ(0, munmap((char *)self->reqs + PAGE_SIZE, PAGE_SIZE));

	/* Linear: three entries before the hole are handled */
	ASSERT_EQ(-EFAULT, inv(self->fd, self->nested_id, ring + 2, SELFTEST,
			       sizeof(*ring), 6, 0, NULL, 0, &done));
	ASSERT_EQ(3, done);
	check_iotlbs(0xd);

	/* Ring: head at slot 1, the hole at slot 5; head comes back at 5 */
	head = 1;
	ASSERT_EQ(-EFAULT, inv(self->fd, self->nested_id, ring, SELFTEST,
			       sizeof(*ring), 8, RING, &head, 8 | 1, &done));
	ASSERT_EQ(4, done);
	ASSERT_EQ(5, head);
	check_iotlbs(0xf);
	/* A ring that stays on the mapped page is fine */
	head = 8 | 3;
	ASSERT_EQ(0, inv(self->fd, self->nested_id, ring, SELFTEST,
			 sizeof(*ring), 8, RING, &head, 8 | 5, &done));
	ASSERT_EQ(2, done);
	ASSERT_EQ(8 | 5, head);
}

TEST_F(invalidate, unknown_flags)
{
	__u32 done, head = 0;

	ASSERT_EQ(-EOPNOTSUPP, inv(self->fd, self->nested_id, self->reqs,
				   SELFTEST, sizeof(struct inv_req), 1, 1 << 1,
				   NULL, 0, &done));
	ASSERT_EQ(0, done);
	ASSERT_EQ(-EOPNOTSUPP, inv(self->fd, self->nested_id, self->reqs,
				   SELFTEST, sizeof(struct inv_req), 1,
				   RING | 1U << 31, &head, 1, &done));
	ASSERT_EQ(0, done);
	check_iotlbs(0);
}

TEST_F(invalidate, ring_geometry)
{
	static const struct {
		__u32 num, head, tail;
	} bad[] = {
		{ 0, 0, 0 },	/* no slots */
		{ 6, 0, 1 },	/* not a power of two */
		{ 3, 0, 0 },
		{ 8, 16, 17 },	/* head beyond 2 * entry_num */
		{ 8, 0, 16 },	/* tail beyond 2 * entry_num */
		{ 8, 1, 10 },	/* nine entries in eight slots */
		{ 8, 10, 3 },	/* nine entries, across the wrap */
		{ 1U << 20, 0, 1 },	/* above the cap */
	};
	__u32 done, head;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(bad); i++) {
		head = bad[i].head;
		ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs,
				       SELFTEST, sizeof(struct inv_req),
				       bad[i].num, RING, &head, bad[i].tail,
				       &done));
		ASSERT_EQ(0, done);
		ASSERT_EQ(bad[i].head, head);
	}
	check_iotlbs(0);
}

TEST_F(invalidate, ring_full)
{
	static const __u32 ids[] = { 0, 1, 2, 3 };
	__u32 done, head = 2;

	fill(self->reqs, ids, 4);
	/* Same slot, other wrap bit: all four entries */
	ASSERT_EQ(0, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			 sizeof(struct inv_req), 4, RING, &head, 2 ^ 4, &done));
	ASSERT_EQ(4, done);
	ASSERT_EQ(2 ^ 4, head);
	check_iotlbs(0xf);
}

TEST_F(invalidate, ring_wrap)
{
	/* Only slots 6, 7, 0, 1 may be read: the others are bad */
	static const __u32 ids[] = { 2, 3, IOTLB_BAD, IOTLB_BAD,
				     IOTLB_BAD, IOTLB_BAD, 0, 1 };
	__u32 done, head = 6;

	fill(self->reqs, ids, 8);
	ASSERT_EQ(0, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			 sizeof(struct inv_req), 8, RING, &head, 8 | 2, &done));
	ASSERT_EQ(4, done);
	ASSERT_EQ(8 | 2, head);
	check_iotlbs(0xf);

	/* The same with the wrap bits the other way round */
	head = 8 | 6;
	ASSERT_EQ(0, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			 sizeof(struct inv_req), 8, RING, &head, 2, &done));
	ASSERT_EQ(4, done);
	ASSERT_EQ(2, head);

	/* Past slot 1 the bad entry at slot 2 stops it, reported at head */
	head = 6;
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs,
			       SELFTEST, sizeof(struct inv_req), 8, RING,
			       &head, 8 | 4, &done));
	ASSERT_EQ(4, done);
	ASSERT_EQ(8 | 2, head);
}

TEST_F(invalidate, driver_error_at_every_position)
{
	__u32 ids[8], done, head, k;
	int i;

	for (k = 0; k != 8; k++) {
		for (i = 0; i != 8; i++)
			ids[i] = i == k ? IOTLB_BAD : i % 4;
		fill(self->reqs, ids, 8);

		ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs,
				       SELFTEST, sizeof(struct inv_req), 8, 0,
				       NULL, 0, &done));
		ASSERT_EQ(k, done);

		/* A ring from slot 5 over the wrap: entry k is at slot k */
		head = 5;
		ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs,
				       SELFTEST, sizeof(struct inv_req), 8,
				       RING, &head, 8 | 5, &done));
		ASSERT_EQ((k - 5) & 7, done);
		ASSERT_EQ((5 + done) & 15, head);
	}

	/* Flags the mock does not know fail with its own errno */
	self->reqs[3].flags = 1 << 7;
	ASSERT_EQ(-EOPNOTSUPP, inv(self->fd, self->nested_id, self->reqs,
				   SELFTEST, sizeof(struct inv_req), 8, 0, NULL,
				   0, &done));
	ASSERT_EQ(3, done);
	check_iotlbs(0xf);
}

TEST_F(invalidate, large_arrays)
{
	const __u32 n = PAGE_SIZE / sizeof(struct inv_req);
	__u32 done, head, i;

	for (i = 0; i != n; i++)
		self->reqs[i] = (struct inv_req){ .iotlb_id = i % 4 };

	ASSERT_EQ(0, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			 sizeof(struct inv_req), n, 0, NULL, 0, &done));
	ASSERT_EQ(n, done);

	/* A bad entry deep in a batch: everything before it is counted */
	self->reqs[n - 7].iotlb_id = IOTLB_BAD;
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       sizeof(struct inv_req), n, 0, NULL, 0, &done));
	ASSERT_EQ(n - 7, done);

	/* A full ring starting in the middle reaches it after the wrap */
	head = n / 2;
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       sizeof(struct inv_req), n, RING, &head,
			       n | (n / 2), &done));
	ASSERT_EQ(n / 2 - 7, done);
	ASSERT_EQ(n - 7, head);
	check_iotlbs(0xf);
}

TEST_F(invalidate, old_struct_size)
{
	static const __u32 ids[] = { 0, 1 };
	struct iommu_hwpt_invalidate cmd = {
		.size = offsetofend(struct iommu_hwpt_invalidate, flags),
		.hwpt_id = self->nested_id,
		.data_uptr = (uintptr_t)self->reqs,
		.data_type = SELFTEST,
		.entry_len = sizeof(struct inv_req),
		.entry_num = 2,
		.head = 0xdead,
		.tail = 0xbeef,
	};

	fill(self->reqs, ids, 2);
	/* A binary built before ring mode: linear arrays work as before */
	ASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(2, cmd.entry_num);
	/* The kernel wrote nothing past the size it was given */
	ASSERT_EQ(0xdead, cmd.head);
	check_iotlbs(0x3);

	/* Ring mode needs head and tail */
	cmd.flags = RING;
	cmd.entry_num = 4;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(0, cmd.entry_num);
}

struct race {
	int fd;
	__u32 hwpt_id;
	struct inv_req *reqs;
	int stop;
	int enoent;
	int other;
};

static void *invalidate_loop(void *arg)
{
	struct race *r = arg;
	__u32 done, head;
	int rc;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		head = 0;
		rc = inv(r->fd, r->hwpt_id, r->reqs, SELFTEST,
			 sizeof(struct inv_req), 8, RING, &head, 8, &done);
		if (rc == -ENOENT)
			__atomic_add_fetch(&r->enoent, 1, __ATOMIC_RELAXED);
		else if (rc && rc != -EBUSY)
			r->other++;
	}
	return NULL;
}

/* Invalidate from one thread while another destroys the HWPT */
TEST_F(invalidate, race_with_destroy)
{
	static const __u32 ids[] = { 0, 1, 2, 3, 0, 1, 2, 3 };
	struct race r = {
		.fd = self->fd,
		.hwpt_id = self->nested_id,
		.reqs = self->reqs,
	};
	pthread_t thread;

	fill(self->reqs, ids, 8);
	ASSERT_EQ(0, pthread_create(&thread, NULL, invalidate_loop, &r));
	usleep(20000);
	/* The destroy waits out a concurrent invalidation, then wins */
	while (_test_ioctl_destroy(self->fd, self->nested_id))
		ASSERT_EQ(EBUSY, errno);
	while (!__atomic_load_n(&r.enoent, __ATOMIC_RELAXED))
		usleep(1000);
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	ASSERT_EQ(0, r.other);
	EXPECT_ERRNO(ENOENT, _test_ioctl_destroy(self->fd, self->nested_id));
}

TEST_HARNESS_MAIN
