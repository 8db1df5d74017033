// SPDX-License-Identifier: GPL-2.0-only
/*
 * IOMMU_HWPT_INVALIDATE through the iommufd mock driver: linear arrays and
 * rings, every error the core reports and what it writes back with it, as
 * Documentation/userspace-api/iommufd.rst states them, and a VMM forwarding
 * a guest's queue at random against a model of that document.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "iommufd_utils.h"

#define SELFTEST IOMMU_HWPT_INVALIDATE_DATA_SELFTEST
#define RING IOMMU_HWPT_INVALIDATE_FLAG_RING
#define IOTLB_BAD (MOCK_NESTED_DOMAIN_IOTLB_ID_MAX + 1)
#define ALL_SLOTS ((1 << MOCK_NESTED_DOMAIN_IOTLB_NUM) - 1)
/* Not an errno: inv() found a field changed that must not be */
#define WROTE_INPUT 10000

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

static bool ring_size_valid(__u32 num)
{
	return num && !(num & (num - 1)) && num <= 1U << 19;
}

/*
 * Issue IOMMU_HWPT_INVALIDATE; return 0 or -errno, and what the kernel
 * reports: the entries handled and, for a ring, the new head. Only the
 * documented output may change (entry_num of a linear array, head of a
 * ring): any other change returns -WROTE_INPUT.
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
	struct iommu_hwpt_invalidate in = cmd;
	int rc;

	rc = ioctl(fd, IOMMU_HWPT_INVALIDATE, &cmd) ? -errno : 0;
	if (flags & RING) {
		if (ring_size_valid(num))
			*done = (cmd.head - in.head) & (2 * num - 1);
		else
			*done = cmd.head == in.head ? 0 : UINT32_MAX;
		in.head = cmd.head;
	} else {
		*done = cmd.entry_num;
		in.entry_num = cmd.entry_num;
	}
	if (head)
		*head = cmd.head;
	if (memcmp(&in, &cmd, sizeof(cmd)))
		return -WROTE_INPUT;
	return rc;
}

/*
 * The same command from a read-only page, so that any write-back fails the
 * call with -EFAULT: for the cases in which the kernel must write nothing.
 */
static int inv_ro(int fd, const struct iommu_hwpt_invalidate *cmd)
{
	struct iommu_hwpt_invalidate *ro;
	int rc;

	ro = mmap(NULL, PAGE_SIZE, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ro == MAP_FAILED)
		return -ENOMEM;
	*ro = *cmd;
	mprotect(ro, PAGE_SIZE, PROT_READ);
	rc = ioctl(fd, IOMMU_HWPT_INVALIDATE, ro) ? -errno : 0;
	munmap(ro, PAGE_SIZE);
	return rc;
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

/* A new nested HWPT, every mock IOTLB slot at its initial value */
static int __reseed(int fd, __u32 device_id, __u32 parent_id, __u32 *id)
{
	struct iommu_hwpt_selftest data = {
		.iotlb = IOMMU_TEST_IOTLB_DEFAULT,
	};

	if (*id && _test_ioctl_destroy(fd, *id))
		return -errno;
	return _test_cmd_hwpt_alloc(fd, device_id, parent_id, 0, 0, id,
				    IOMMU_HWPT_DATA_SELFTEST, &data,
				    sizeof(data));
}

#define reseed()                                                         \
	ASSERT_EQ(0, __reseed(self->fd, self->device_id, self->parent_id, \
			      &self->nested_id))

FIXTURE_SETUP(invalidate)
{
	self->fd = open("/dev/iommu", O_RDWR);
	ASSERT_NE(-1, self->fd);
	test_ioctl_ioas_alloc(&self->ioas_id);
	test_cmd_mock_domain(self->ioas_id, &self->stdev_id, NULL,
			     &self->device_id);
	test_cmd_hwpt_alloc(self->device_id, self->ioas_id,
			    IOMMU_HWPT_ALLOC_NEST_PARENT, &self->parent_id);
	self->nested_id = 0;
	reseed();
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

/* The mock IOTLB slots that were invalidated (zero), as a bit mask */
static int iotlb_zero_mask(int fd, __u32 hwpt_id)
{
	struct iommu_test_cmd cmd = {
		.size = sizeof(cmd),
		.op = IOMMU_TEST_OP_MD_CHECK_IOTLB,
		.id = hwpt_id,
	};
	int i, mask = 0;

	for (i = 0; i != MOCK_NESTED_DOMAIN_IOTLB_NUM; i++) {
		cmd.check_iotlb.id = i;
		cmd.check_iotlb.iotlb = 0;
		if (!ioctl(fd, _IOMMU_TEST_CMD(IOMMU_TEST_OP_MD_CHECK_IOTLB),
			   &cmd))
			mask |= 1 << i;
	}
	return mask;
}

/* Exactly the slots in mask were invalidated since the last reseed() */
#define check_iotlbs(mask) \
	ASSERT_EQ(mask, iotlb_zero_mask(self->fd, self->nested_id))

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
	ASSERT_EQ(0, done);
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, NULL, SELFTEST + 1,
			       0, 8, RING, &head, 3, &done));
	ASSERT_EQ(3, head);
	check_iotlbs(0);
}

/* Without requests entry_len and data_uptr are ignored, as in 6.12 */
TEST_F(invalidate, empty_ignores_entry_len)
{
	static const __u32 lens[] = { 0, 1, 4096 + 1, 1U << 20, UINT32_MAX };
	struct iommu_hwpt_invalidate cmd = {
		.size = offsetofend(struct iommu_hwpt_invalidate, flags),
		.hwpt_id = self->nested_id,
		.data_uptr = 1,
		.data_type = SELFTEST,
	};
	__u32 done, head;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(lens); i++) {
		ASSERT_EQ(0, inv(self->fd, self->nested_id, NULL, SELFTEST,
				 lens[i], 0, 0, NULL, 0, &done));
		ASSERT_EQ(0, done);
		ASSERT_EQ(0, inv(self->fd, self->nested_id, (void *)8,
				 SELFTEST, lens[i], 0, 0, NULL, 0, &done));
		ASSERT_EQ(0, done);
		head = 8 | 5;
		ASSERT_EQ(0, inv(self->fd, self->nested_id, NULL, SELFTEST,
				 lens[i], 8, RING, &head, 8 | 5, &done));
		ASSERT_EQ(8 | 5, head);

		/* The 6.12 command, 32 bytes */
		cmd.entry_len = lens[i];
		cmd.entry_num = 0;
		ASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
		ASSERT_EQ(0, cmd.entry_num);
	}
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
	ASSERT_EQ(0, head);
	/* Above PAGE_SIZE */
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       PAGE_SIZE + 1, 1, 0, NULL, 0, &done));
	ASSERT_EQ(0, done);
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       PAGE_SIZE + 1, 2, RING, &head, 1, &done));
	ASSERT_EQ(0, head);
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
	check_iotlbs(0);
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
	ASSERT_EQ(0, head);
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
	reseed();
	reqs[1].extra = 1ULL << 40;
	ASSERT_EQ(-E2BIG, inv(self->fd, self->nested_id, &reqs[0], SELFTEST,
			      sizeof(*reqs), 4, RING, &head, 4, &done));
	ASSERT_EQ(1, done);
	ASSERT_EQ(1, head);
	check_iotlbs(0x1);
	reseed();
	ASSERT_EQ(-E2BIG, inv(self->fd, self->nested_id, &reqs[1], SELFTEST,
			      sizeof(*reqs), 3, 0, NULL, 0, &done));
	ASSERT_EQ(0, done);
	check_iotlbs(0);
	reqs[1].extra = 0;
	ASSERT_EQ(0, inv(self->fd, self->nested_id, reqs, SELFTEST,
			 sizeof(*reqs), 4, 0, NULL, 0, &done));
	ASSERT_EQ(4, done);
	check_iotlbs(0xf);
}

TEST_F(invalidate, unmapped_page)
{
	/* Before the hole ids 0 and 1, from the hole on 2 and 3 */
	static const __u32 ids[] = { 0, 1, 0, 1, 0, 2, 3, 2 };
	/* Five slots at the end of the first page, three on the second */
	struct inv_req *ring = (struct inv_req *)((char *)self->reqs +
						  PAGE_SIZE) - 5;
	__u32 done, head;

	fill(ring, ids, 8);
	ASSERT_EQ(0, munmap((char *)self->reqs + PAGE_SIZE, PAGE_SIZE));

	/* Linear: three entries before the hole are handled */
	ASSERT_EQ(-EFAULT, inv(self->fd, self->nested_id, ring + 3, SELFTEST,
			       sizeof(*ring), 5, 0, NULL, 0, &done));
	ASSERT_EQ(2, done);
	check_iotlbs(0x3);

	/* Ring: head at slot 4, the hole at slot 5; head comes back at 5 */
	reseed();
	head = 4;
	ASSERT_EQ(-EFAULT, inv(self->fd, self->nested_id, ring, SELFTEST,
			       sizeof(*ring), 8, RING, &head, 8 | 4, &done));
	ASSERT_EQ(1, done);
	ASSERT_EQ(5, head);
	check_iotlbs(0x1);
	/* A ring that stays on the mapped page is fine */
	reseed();
	head = 8 | 1;
	ASSERT_EQ(0, inv(self->fd, self->nested_id, ring, SELFTEST,
			 sizeof(*ring), 8, RING, &head, 8 | 3, &done));
	ASSERT_EQ(2, done);
	ASSERT_EQ(8 | 3, head);
	check_iotlbs(0x3);
}

TEST_F(invalidate, unknown_flags)
{
	static const __u32 ids[] = { 0, 1, 2, 3 };
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = self->nested_id,
		.data_uptr = (uintptr_t)self->reqs,
		.data_type = SELFTEST,
		.entry_len = sizeof(struct inv_req),
		.entry_num = 4,
		.flags = RING | 1 << 1,
		.head = 2,
		.tail = 4 | 1,
	};
	__u32 done, head = 2;

	fill(self->reqs, ids, 4);
	ASSERT_EQ(-EOPNOTSUPP, inv(self->fd, self->nested_id, self->reqs,
				   SELFTEST, sizeof(struct inv_req), 1, 1 << 1,
				   NULL, 0, &done));
	ASSERT_EQ(0, done);
	/* Nothing handled: head stays where it was, nothing is written */
	ASSERT_EQ(-EOPNOTSUPP, inv(self->fd, self->nested_id, self->reqs,
				   SELFTEST, sizeof(struct inv_req), 4,
				   RING | 1U << 31, &head, 4 | 1, &done));
	ASSERT_EQ(2, head);
	ASSERT_EQ(-EOPNOTSUPP, inv_ro(self->fd, &cmd));
	check_iotlbs(0);
}

/* A ring needs head and tail: a shorter struct is refused, nothing written */
TEST_F(invalidate, ring_short_struct)
{
	static const __u32 ids[] = { 0, 1, 2, 3 };
	struct iommu_hwpt_invalidate cmd = {
		.size = offsetofend(struct iommu_hwpt_invalidate, head),
		.hwpt_id = self->nested_id,
		.data_uptr = (uintptr_t)self->reqs,
		.data_type = SELFTEST,
		.entry_len = sizeof(struct inv_req),
		.entry_num = 4,
		.flags = RING,
		.head = 2,
		.tail = 4 | 1,
	};

	fill(self->reqs, ids, 4);
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(4, cmd.entry_num);
	ASSERT_EQ(2, cmd.head);
	ASSERT_EQ(-EINVAL, inv_ro(self->fd, &cmd));
	cmd.size = offsetofend(struct iommu_hwpt_invalidate, flags);
	ASSERT_EQ(-EINVAL, inv_ro(self->fd, &cmd));
	check_iotlbs(0);
}

/* head and tail have no meaning in a linear array yet: they must be zero */
TEST_F(invalidate, linear_head_tail)
{
	static const __u32 ids[] = { 0, 1 };
	__u32 done, head;

	fill(self->reqs, ids, 2);
	head = 1;
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       sizeof(struct inv_req), 2, 0, &head, 0, &done));
	ASSERT_EQ(0, done);
	ASSERT_EQ(1, head);
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       sizeof(struct inv_req), 2, 0, NULL, 2, &done));
	ASSERT_EQ(0, done);
	/* Also without requests */
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       sizeof(struct inv_req), 0, 0, NULL, 1, &done));
	ASSERT_EQ(0, done);
	check_iotlbs(0);
}

/* The documented probe: this kernel has ring mode, and it writes nothing */
TEST_F(invalidate, probe_ring_mode)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = self->nested_id,
		.data_type = SELFTEST,
		.entry_num = 1,
		.flags = RING,
	};

	ASSERT_EQ(1, _test_cmd_hwpt_invalidate_has_ring(self->fd,
							self->nested_id,
							SELFTEST));
	ASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(1, cmd.entry_num);
	ASSERT_EQ(0, cmd.head);
	ASSERT_EQ(0, inv_ro(self->fd, &cmd));
	/* Not a nested HWPT: not an answer about ring mode */
	ASSERT_EQ(-ENOENT, _test_cmd_hwpt_invalidate_has_ring(self->fd,
							      self->ioas_id,
							      SELFTEST));
	check_iotlbs(0);
}

/*
 * A VMM skips a bad request and reissues the command as it came back: the
 * ring keeps its size, so the call goes on at the next slot.
 */
TEST_F(invalidate, ring_resume_after_skip)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = self->nested_id,
		.data_uptr = (uintptr_t)self->reqs,
		.data_type = SELFTEST,
		.entry_len = sizeof(struct inv_req),
		.entry_num = 16,
		.flags = RING,
		.head = 0,
		.tail = 12,
	};
	__u32 ids[16], i;

	/* Slots 0-7 invalidate id 0, 8 is bad, 9-11 ids 1-3, 12-15 unread */
	for (i = 0; i != 16; i++)
		ids[i] = i < 8 ? 0 : i == 8 || i > 11 ? IOTLB_BAD : i - 8;
	fill(self->reqs, ids, 16);

	EXPECT_ERRNO(EINVAL, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(8, cmd.head);
	ASSERT_EQ(16, cmd.entry_num);
	ASSERT_EQ(12, cmd.tail);
	check_iotlbs(0x1);

	cmd.head++;
	ASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(12, cmd.head);
	ASSERT_EQ(16, cmd.entry_num);
	check_iotlbs(0xf);

	/* Reissued once more as it came back, it is empty */
	ASSERT_EQ(0, inv_ro(self->fd, &cmd));
}

/*
 * The three ways a call ends: every request handled; a stop for user space,
 * before a request it must carry out or after one whose completion it must
 * signal; an errno at the failing request.
 */
TEST_F(invalidate, early_stops)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = self->nested_id,
		.data_uptr = (uintptr_t)self->reqs,
		.data_type = SELFTEST,
		.entry_len = sizeof(struct inv_req),
		.entry_num = 16,
		.flags = RING,
		.head = 14,
		.tail = 16 | 3,
		.out_flags = 0x5a5a,
	};
	struct inv_req *r = self->reqs;
	__u32 ids[16] = { [14] = 0, [15] = 1, [0] = 2, [1] = 2, [2] = 3 };

	/* Slots 14, 15, then a hand-back at 0, a notify at 1, then 2 */
	fill(self->reqs, ids, 16);
	r[0].flags = IOMMU_TEST_INVALIDATE_FLAG_HANDBACK;
	r[1].flags = IOMMU_TEST_INVALIDATE_FLAG_NOTIFY;

	ASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(16 | 0, cmd.head);
	ASSERT_EQ(IOMMU_HWPT_INVALIDATE_OUT_HANDBACK, cmd.out_flags);
	check_iotlbs(0x3);
	/* Reissued as it came back: handed back again, nothing handled */
	ASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(16 | 0, cmd.head);
	ASSERT_EQ(IOMMU_HWPT_INVALIDATE_OUT_HANDBACK, cmd.out_flags);
	check_iotlbs(0x3);

	/* User space carries it out and resumes after it */
	cmd.head++;
	ASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(16 | 2, cmd.head);
	ASSERT_EQ(IOMMU_HWPT_INVALIDATE_OUT_NOTIFY, cmd.out_flags);
	check_iotlbs(0x7);

	/* ... signals the one before head and resumes at head */
	ASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(16 | 3, cmd.head);
	ASSERT_EQ(0, cmd.out_flags);
	check_iotlbs(0xf);
	ASSERT_EQ(16, cmd.entry_num);
	ASSERT_EQ(16 | 3, cmd.tail);

	/* Linear: entry_num counts up to the request handed back */
	reseed();
	cmd = (struct iommu_hwpt_invalidate){
		.size = sizeof(cmd),
		.hwpt_id = self->nested_id,
		.data_uptr = (uintptr_t)self->reqs,
		.data_type = SELFTEST,
		.entry_len = sizeof(struct inv_req),
		.entry_num = 3,
		.out_flags = 0x5a5a,
	};
	fill(self->reqs, (const __u32[]){ 1, 2, 3 }, 3);
	r[1].flags = IOMMU_TEST_INVALIDATE_FLAG_HANDBACK;
	ASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(1, cmd.entry_num);
	ASSERT_EQ(IOMMU_HWPT_INVALIDATE_OUT_HANDBACK, cmd.out_flags);
	check_iotlbs(0x2);

	/* A notify on the last request: all handled, and still the notice */
	r[1].flags = 0;
	r[2].flags = IOMMU_TEST_INVALIDATE_FLAG_NOTIFY;
	cmd.entry_num = 3;
	ASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(3, cmd.entry_num);
	ASSERT_EQ(IOMMU_HWPT_INVALIDATE_OUT_NOTIFY, cmd.out_flags);
	check_iotlbs(0xe);

	/* An error after a handled request writes out_flags 0 */
	r[2].flags = 0;
	r[1].iotlb_id = IOTLB_BAD;
	cmd.entry_num = 3;
	cmd.out_flags = 0x5a5a;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(1, cmd.entry_num);
	ASSERT_EQ(0, cmd.out_flags);

	/* __reserved2 must be 0 */
	cmd.entry_num = 3;
	cmd.__reserved2 = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(0, cmd.entry_num);
}

/* A binary whose struct ends at tail sees a stop as head short of tail */
TEST_F(invalidate, early_stop_old_struct)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = offsetofend(struct iommu_hwpt_invalidate, tail),
		.hwpt_id = self->nested_id,
		.data_uptr = (uintptr_t)self->reqs,
		.data_type = SELFTEST,
		.entry_len = sizeof(struct inv_req),
		.entry_num = 4,
		.flags = RING,
		.head = 0,
		.tail = 3,
		.out_flags = 0x5a5a,
	};
	struct inv_req *r = self->reqs;

	fill(self->reqs, (const __u32[]){ 1, 2, 3, 4 }, 4);
	r[2].flags = IOMMU_TEST_INVALIDATE_FLAG_HANDBACK;
	ASSERT_EQ(0, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(2, cmd.head);
	/* Past its size: not written */
	ASSERT_EQ(0x5a5a, cmd.out_flags);
	check_iotlbs(0x6);
}

/* The probe for out_flags: a kernel with it ignores the input */
TEST_F(invalidate, probe_out_flags)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = self->nested_id,
		.data_type = SELFTEST,
		.entry_num = 1,
		.flags = RING,
		.out_flags = 1,
	};

	ASSERT_EQ(0, inv_ro(self->fd, &cmd));
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
		{ 8, 16, 16 },	/* empty, but out of range */
		{ 8, 1, 10 },	/* nine entries in eight slots */
		{ 8, 10, 3 },	/* nine entries, across the wrap */
		{ 1U << 20, 0, 1 },	/* above the cap */
		{ 1U << 20, 0, 0 },
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
	static const struct {
		__u32 head, tail;
		int rc;
		__u32 done, head_out;
		int mask;
	} cases[] = {
		{ 6, 8 | 2, 0, 4, 8 | 2, 0xf },
		/* The same with the wrap bits the other way round */
		{ 8 | 6, 2, 0, 4, 2, 0xf },
		/* Only across the wrap: slots 7 and 0 */
		{ 7, 8 | 1, 0, 2, 8 | 1, 0x6 },
		/* Past slot 1 the bad entry at slot 2 stops it, at head */
		{ 6, 8 | 4, -EINVAL, 4, 8 | 2, 0xf },
	};
	__u32 done, head;
	unsigned int i;

	fill(self->reqs, ids, 8);
	for (i = 0; i != ARRAY_SIZE(cases); i++) {
		reseed();
		head = cases[i].head;
		ASSERT_EQ(cases[i].rc,
			  inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			      sizeof(struct inv_req), 8, RING, &head,
			      cases[i].tail, &done));
		ASSERT_EQ(cases[i].done, done);
		ASSERT_EQ(cases[i].head_out, head);
		check_iotlbs(cases[i].mask);
	}
}

TEST_F(invalidate, driver_error_at_every_position)
{
	__u32 ids[8], done, head, k, i, before;

	for (k = 0; k != 8; k++) {
		/* Entries before k invalidate id 0 or 1, after it 2 or 3 */
		for (i = 0; i != 8; i++)
			ids[i] = i == k ? IOTLB_BAD : (i > k) * 2 + (i & 1);
		fill(self->reqs, ids, 8);

		reseed();
		ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs,
				       SELFTEST, sizeof(struct inv_req), 8, 0,
				       NULL, 0, &done));
		ASSERT_EQ(k, done);
		check_iotlbs(k > 1 ? 0x3 : k);

		/* A ring from slot 5 over the wrap: entry k is at slot k */
		for (i = 0; i != 8; i++) {
			before = ((i - 5) & 7) < ((k - 5) & 7);
			ids[i] = i == k ? IOTLB_BAD : !before * 2 + (i & 1);
		}
		fill(self->reqs, ids, 8);
		reseed();
		head = 5;
		ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs,
				       SELFTEST, sizeof(struct inv_req), 8,
				       RING, &head, 8 | 5, &done));
		ASSERT_EQ((k - 5) & 7, done);
		ASSERT_EQ((5 + done) & 15, head);
		/* Slots 5, 6, 7, 0, ...: ids 1, 0, 1, 0, ... before k */
		check_iotlbs(done > 1 ? 0x3 : done ? 0x2 : 0);
	}

	/* Flags the mock does not know fail with its own errno */
	for (i = 0; i != 8; i++)
		ids[i] = i < 3 ? 1 : 2;
	fill(self->reqs, ids, 8);
	self->reqs[3].flags = 1 << 7;
	reseed();
	ASSERT_EQ(-EOPNOTSUPP, inv(self->fd, self->nested_id, self->reqs,
				   SELFTEST, sizeof(struct inv_req), 8, 0, NULL,
				   0, &done));
	ASSERT_EQ(3, done);
	check_iotlbs(0x2);
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
	check_iotlbs(0xf);

	/*
	 * A bad entry deep in a batch: everything before it is counted. The
	 * entries before it invalidate ids 0 and 1, those after it 2 and 3.
	 */
	for (i = 0; i != n; i++)
		self->reqs[i].iotlb_id = (i > n - 7) * 2 + (i & 1);
	self->reqs[n - 7].iotlb_id = IOTLB_BAD;
	reseed();
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       sizeof(struct inv_req), n, 0, NULL, 0, &done));
	ASSERT_EQ(n - 7, done);
	check_iotlbs(0x3);

	/* A full ring starting in the middle reaches it after the wrap */
	for (i = 0; i != n; i++)
		self->reqs[i].iotlb_id = (i > n - 7 || i < n / 2) * 2 + (i & 1);
	self->reqs[n - 7].iotlb_id = IOTLB_BAD;
	reseed();
	head = n / 2;
	ASSERT_EQ(-EINVAL, inv(self->fd, self->nested_id, self->reqs, SELFTEST,
			       sizeof(struct inv_req), n, RING, &head,
			       n | (n / 2), &done));
	ASSERT_EQ(n / 2 - 7, done);
	ASSERT_EQ(n - 7, head);
	check_iotlbs(0x3);
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
	ASSERT_EQ(0xbeef, cmd.tail);
	check_iotlbs(0x3);

	/* Ring mode needs head and tail, and then nothing is written */
	cmd.flags = RING;
	cmd.entry_num = 4;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd));
	ASSERT_EQ(4, cmd.entry_num);
	ASSERT_EQ(0xdead, cmd.head);
}

/*
 * Random replay: a guest producer writes batches into a ring of a random
 * power-of-two size, and a VMM forwards CONS..PROD in ring mode, resuming
 * from the head that every call reports. Faults, requests the mock refuses
 * and non-zero trailing bytes are injected at random; after every call the
 * errno, the command and the mock IOTLB are compared with a model written
 * from the documented contract (rows 8 and 9 of the table in
 * Documentation/userspace-api/iommufd.rst) and the mock's rules (unknown
 * flags: -EOPNOTSUPP, then an IOTLB id above the maximum: -EINVAL).
 */
#define REPLAY_CALLS 100000
#define REPLAY_MAX_ORDER 12
#define REPLAY_MAX_LEN 16
#define REPLAY_POISON 0xff

struct replay {
	__u64 rng;
	unsigned char *map;	/* two halves of the largest ring, page aligned */
	size_t half;
	unsigned char *ring;	/* straddles the middle of map */
	__u32 num, len, cons, prod;
	bool hole;		/* one half of the ring is PROT_NONE */
	unsigned char *hole_start, *hole_end;
};

static __u32 rnd(struct replay *r, __u32 n)
{
	/* xorshift64: the same sequence for the same seed everywhere */
	r->rng ^= r->rng << 13;
	r->rng ^= r->rng >> 7;
	r->rng ^= r->rng << 17;
	return n ? r->rng % n : 0;
}

static unsigned char *replay_slot(struct replay *r, __u32 pos)
{
	return r->ring + (size_t)(pos & (r->num - 1)) * r->len;
}

static void replay_write(struct replay *r, __u32 pos, __u32 flags, __u32 id)
{
	unsigned char *e = replay_slot(r, pos);
	struct inv_req req = { .flags = flags, .iotlb_id = id };

	memcpy(e, &req, sizeof(req));
	memset(e + sizeof(req), 0, r->len - sizeof(req));
}

/* A new ring: size, entry length, place, and where the guest's CONS is */
static void replay_new_ring(struct replay *r)
{
	size_t bytes;

	r->num = 1U << rnd(r, REPLAY_MAX_ORDER + 1);
	r->len = sizeof(struct inv_req) + 4 * rnd(r, 3);
	bytes = (size_t)r->num * r->len;
	/* Half the ring on each side of the middle page boundary */
	r->ring = r->map + r->half - bytes / 2 / r->len * r->len;
	r->cons = rnd(r, 2 * r->num);
	r->prod = r->cons;
	memset(r->ring, REPLAY_POISON, bytes);
}

/* The mock's answer to one request, and the IOTLB slots it invalidates */
static int model_request(struct replay *r, __u32 pos, int *mask)
{
	unsigned char *e = replay_slot(r, pos);
	struct inv_req req;
	__u32 i;

	if (r->hole && e + r->len > r->hole_start && e < r->hole_end)
		return -EFAULT;
	for (i = sizeof(req); i != r->len; i++)
		if (e[i])
			return -E2BIG;
	memcpy(&req, e, sizeof(req));
	if (req.flags & ~(IOMMU_TEST_INVALIDATE_FLAG_ALL |
			  IOMMU_TEST_INVALIDATE_FLAG_HANDBACK |
			  IOMMU_TEST_INVALIDATE_FLAG_NOTIFY))
		return -EOPNOTSUPP;
	if (req.iotlb_id > MOCK_NESTED_DOMAIN_IOTLB_ID_MAX)
		return -EINVAL;
	if (req.flags & IOMMU_TEST_INVALIDATE_FLAG_ALL)
		*mask = ALL_SLOTS;
	else
		*mask |= 1 << req.iotlb_id;
	return 0;
}

/* The guest queues k requests at PROD, one of them broken at random */
static void replay_produce(struct replay *r, __u32 k)
{
	__u32 i, bad = rnd(r, 4) ? UINT32_MAX : rnd(r, k);
	__u32 pos = r->prod;
	unsigned char *e;

	for (i = 0; i != k; i++, pos = (pos + 1) & (2 * r->num - 1)) {
		replay_write(r, pos, rnd(r, 64) ? 0 :
				IOMMU_TEST_INVALIDATE_FLAG_ALL,
			     rnd(r, MOCK_NESTED_DOMAIN_IOTLB_NUM));
		if (i != bad)
			continue;
		e = replay_slot(r, pos);
		switch (rnd(r, 3)) {
		case 0:	/* an IOTLB id the mock refuses */
			((struct inv_req *)e)->iotlb_id = IOTLB_BAD + rnd(r, 9);
			break;
		case 1:	/* flags the mock does not know */
			((struct inv_req *)e)->flags |= 8U << rnd(r, 29);
			break;
		default: /* a non-zero trailing byte, if there are any */
			if (r->len > sizeof(struct inv_req))
				e[sizeof(struct inv_req) +
				  rnd(r, r->len - sizeof(struct inv_req))] = 1;
		}
	}
	/* Unread slots after PROD, so that reading past it shows */
	if (r->num - k - ((r->prod - r->cons) & (2 * r->num - 1)))
		memset(replay_slot(r, pos), REPLAY_POISON, r->len);
	r->prod = pos;
}

static void replay_hole(struct replay *r, bool on)
{
	size_t bytes = (size_t)r->num * r->len;
	unsigned char *mid = r->map + r->half;
	size_t len = (bytes + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;

	if (on) {
		/* The first or the second half of the ring, whole pages */
		if (rnd(r, 2)) {
			r->hole_start = mid - len;
			r->hole_end = mid;
		} else {
			r->hole_start = mid;
			r->hole_end = mid + len;
		}
		mprotect(r->hole_start, len, PROT_NONE);
	} else {
		mprotect(r->hole_start, r->hole_end - r->hole_start,
			 PROT_READ | PROT_WRITE);
	}
	r->hole = on;
}

/* A guest may have no clock worth the name: urandom, else time and pid */
static __u32 replay_seed(void)
{
	__u32 seed = time(NULL) ^ getpid();
	int fd = open("/dev/urandom", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, &seed, sizeof(seed)) != sizeof(seed))
			seed ^= getppid();
		close(fd);
	}
	return seed;
}

TEST_F_TIMEOUT(invalidate, replay, 60)
{
	struct replay r = {};
	struct iommu_hwpt_invalidate cmd, sent;
	unsigned long calls, entries = 0, errors = 0;
	const char *env = getenv("IOMMUFD_REPLAY_SEED");
	__u32 seed, pos, k, pending;
	struct timespec t0, t1;
	int rc, exp, mask, got;

	seed = env ? strtoul(env, NULL, 0) : replay_seed();
	TH_LOG("seed %u (IOMMUFD_REPLAY_SEED=%u repeats this run)", seed,
	       seed);
	r.rng = seed | 1ULL << 32;
	r.half = (size_t)REPLAY_MAX_LEN << REPLAY_MAX_ORDER;
	r.map = mmap(NULL, 2 * r.half, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, r.map);
	clock_gettime(CLOCK_MONOTONIC, &t0);

	replay_new_ring(&r);
	for (calls = 0; calls != REPLAY_CALLS; calls++) {
		pending = (r.prod - r.cons) & (2 * r.num - 1);
		if (!pending) {
			if (r.hole)
				replay_hole(&r, false);
			if (!rnd(&r, 64))
				replay_new_ring(&r);
			pending = (r.prod - r.cons) & (2 * r.num - 1);
			/* A doorbell: mostly short batches, sometimes full */
			k = rnd(&r, 8) ? rnd(&r, r.num < 32 ? r.num : 32) + 1 :
					 r.num - pending;
			replay_produce(&r, k);
			if (!rnd(&r, 16))
				replay_hole(&r, true);
		}

		cmd = (struct iommu_hwpt_invalidate){
			.size = sizeof(cmd),
			.hwpt_id = self->nested_id,
			.data_uptr = (uintptr_t)r.ring,
			.data_type = SELFTEST,
			.entry_len = r.len,
			.entry_num = r.num,
			.flags = RING,
			.head = r.cons,
			.tail = r.prod,
		};
		sent = cmd;
		rc = ioctl(self->fd, IOMMU_HWPT_INVALIDATE, &cmd) ? -errno : 0;

		/* The model: requests in order from CONS until one fails */
		mask = 0;
		exp = 0;
		for (pos = r.cons; pos != r.prod && !exp;
		     pos = (pos + 1) & (2 * r.num - 1))
			exp = model_request(&r, pos, &mask);
		if (exp)
			pos = (pos - 1) & (2 * r.num - 1);
		got = iotlb_zero_mask(self->fd, self->nested_id);
		sent.head = pos;
		if (rc != exp || memcmp(&cmd, &sent, sizeof(cmd)) ||
		    got != mask) {
			TH_LOG("call %lu: ring %u x %u bytes, head %u tail %u%s",
			       calls, r.num, r.len, r.cons, r.prod,
			       r.hole ? " with a hole" : "");
			TH_LOG("rc %d head %u iotlb %#x, expected %d %u %#x",
			       rc, cmd.head, got, exp, pos, mask);
		}
		ASSERT_EQ(exp, rc);
		ASSERT_EQ(0, memcmp(&cmd, &sent, sizeof(cmd)));
		ASSERT_EQ(mask, got);
		entries += (pos - r.cons) & (2 * r.num - 1);
		r.cons = pos;
		if (mask)
			reseed();
		if (!exp)
			continue;

		/* The VMM fixes the fault, or skips or fixes the request */
		errors++;
		if (exp == -EFAULT)
			replay_hole(&r, false);
		else if (rnd(&r, 2))
			r.cons = (r.cons + 1) & (2 * r.num - 1);
		else
			replay_write(&r, r.cons, 0, 0);
	}
	if (r.hole)
		replay_hole(&r, false);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("%lu calls, %lu requests handled, %lu errors, %.1f s", calls,
	       entries, errors,
	       t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	munmap(r.map, 2 * r.half);
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
	/* -EBUSY while an invalidation holds the HWPT: retry until it goes */
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
