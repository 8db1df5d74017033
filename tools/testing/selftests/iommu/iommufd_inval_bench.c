// SPDX-License-Identifier: GPL-2.0-only
/*
 * Time IOMMU_HWPT_INVALIDATE on a mock nested HWPT: the fixed cost of the
 * ioctl, linear arrays (passed with the command of this uAPI and with the
 * shorter command that binaries built for 6.12 pass), and a full ring whose
 * entries wrap in the middle, issued as one ring call or, as a VMM must on a
 * kernel without ring mode, as two linear calls. And a VMM forwarding a
 * guest's burst of n commands with a sync after every 16th and the last, as
 * Linux guests batch, in a queue where the burst wraps, three ways: one
 * command per call, one linear call per sync, one ring call per doorbell.
 * The mock knows no sync: the first two ways leave the syncs to the VMM, the
 * ring way hands them over as ordinary requests. Prints one line per case:
 *
 *   inval_bench case=<name> entries=<n> calls=<c> ns_per_call=<t> ns_per_entry=<t/n> ioctls=<i>
 *
 * where ns_per_entry is per command for the VMM cases and ioctls counts the
 * ioctls of one call of the case.
 *
 * with the median of its samples, which are taken round-robin over the
 * cases, or "case=<name> entries=<n> unsupported" when the kernel has no ring
 * mode. Not a test: it is built with the selftests and run by hand or by a
 * benchmark harness.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "iommufd_utils.h"

#define SAMPLES 21
/* Each sample lasts at least this long, so the clock's resolution is moot */
#define SAMPLE_NS 2000000ULL
#define MAX_ENTRIES 4096
/* A guest queue that holds the largest burst and its syncs */
#define QUEUE_SLOTS 8192
#define SYNC_EVERY 16

static const __u32 sizes[] = { 1, 16, 256, MAX_ENTRIES };

struct bench {
	int fd;
	__u32 nested_id;
	bool has_ring;
	struct iommu_hwpt_invalidate_selftest *reqs;
	struct iommu_hwpt_invalidate_selftest *queue;
	unsigned long ioctls;
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* The command of binaries built before ring mode, which lacks head and tail */
#define CMD_SIZE_V1 offsetof(struct iommu_hwpt_invalidate, head)

static int invalidate_at(struct bench *b, void *reqs, __u32 size, __u32 num,
			 __u32 flags, __u32 head, __u32 tail)
{
	struct iommu_hwpt_invalidate cmd = {
		.size = size,
		.hwpt_id = b->nested_id,
		.data_uptr = (uintptr_t)reqs,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_SELFTEST,
		.entry_len = sizeof(*b->reqs),
		.entry_num = num,
		.flags = flags,
		.head = head,
		.tail = tail,
	};

	b->ioctls++;
	if (ioctl(b->fd, IOMMU_HWPT_INVALIDATE, &cmd))
		return -errno;
	/* Every entry must have been handled, or the numbers mean nothing */
	if (flags & IOMMU_HWPT_INVALIDATE_FLAG_RING)
		return cmd.head == tail ? 0 : -EIO;
	return cmd.entry_num == num ? 0 : -EIO;
}

static int invalidate(struct bench *b, __u32 size, __u32 num, __u32 flags,
		      __u32 head, __u32 tail)
{
	return invalidate_at(b, b->reqs, size, num, flags, head, tail);
}

/* A burst of n commands and its syncs, and where it starts so that it wraps */
static __u32 burst_len(__u32 n)
{
	return n + (n + SYNC_EVERY - 1) / SYNC_EVERY;
}

static __u32 burst_start(__u32 n)
{
	return QUEUE_SLOTS - burst_len(n) / 2;
}

/* The VMM's view of its guest: entry i of a burst of n is a sync */
static bool burst_sync(__u32 n, __u32 i)
{
	return i % (SYNC_EVERY + 1) == SYNC_EVERY || i == burst_len(n) - 1;
}

/* Slots [from, from + num) of the queue as linear calls, two at its end */
static int forward_linear(struct bench *b, __u32 from, __u32 num)
{
	const __u32 size = sizeof(struct iommu_hwpt_invalidate);
	__u32 first = from % QUEUE_SLOTS;
	__u32 part = num < QUEUE_SLOTS - first ? num : QUEUE_SLOTS - first;
	int rc;

	rc = invalidate_at(b, b->queue + first, size, part, 0, 0, 0);
	if (rc || part == num)
		return rc;
	return invalidate_at(b, b->queue, size, num - part, 0, 0, 0);
}

/* Today's VMMs: every command alone, syncs answered by the VMM */
static int vmm_per_command(struct bench *b, __u32 n)
{
	__u32 start = burst_start(n), i;
	int rc;

	for (i = 0; i != burst_len(n); i++) {
		if (burst_sync(n, i))
			continue;
		rc = forward_linear(b, start + i, 1);
		if (rc)
			return rc;
	}
	return 0;
}

/* The commands before each sync in one linear call */
static int vmm_per_sync(struct bench *b, __u32 n)
{
	__u32 start = burst_start(n), first = 0, i;
	int rc;

	for (i = 0; i != burst_len(n); i++) {
		if (!burst_sync(n, i))
			continue;
		rc = forward_linear(b, start + first, i - first);
		if (rc)
			return rc;
		first = i + 1;
	}
	return 0;
}

/* The whole doorbell, syncs included, with the guest's indices */
static int vmm_ring(struct bench *b, __u32 n)
{
	__u32 head = burst_start(n);
	__u32 tail = (head + burst_len(n)) % (2 * QUEUE_SLOTS);

	return invalidate_at(b, b->queue, sizeof(struct iommu_hwpt_invalidate),
			     QUEUE_SLOTS, IOMMU_HWPT_INVALIDATE_FLAG_RING, head,
			     tail);
}

/*
 * The cases: "linear" is entries 0..n-1, "linear_v1" the same with the
 * shorter command; "ring" is a full ring of n slots from slot n/2, so its
 * entries wrap after n - n/2 of them; "split" is the same entries as two
 * linear calls, tail part first.
 */
enum case_kind {
	CASE_IOCTL, CASE_LINEAR, CASE_LINEAR_V1, CASE_SPLIT, CASE_RING,
	CASE_VMM_CMD, CASE_VMM_SYNC, CASE_VMM_RING,
};

static const char *const case_names[] = {
	[CASE_IOCTL] = "ioctl",
	[CASE_LINEAR] = "linear",
	[CASE_LINEAR_V1] = "linear_v1",
	[CASE_SPLIT] = "split",
	[CASE_RING] = "ring",
	[CASE_VMM_CMD] = "vmm_per_command",
	[CASE_VMM_SYNC] = "vmm_per_sync",
	[CASE_VMM_RING] = "vmm_per_doorbell",
};

/* One call of a case; a switch, so that every case costs user space alike */
static int one_call(struct bench *b, enum case_kind kind, __u32 n)
{
	const __u32 size = sizeof(struct iommu_hwpt_invalidate);
	struct bench tail_part;
	int rc;

	switch (kind) {
	case CASE_IOCTL:
	case CASE_LINEAR:
		return invalidate(b, size, n, 0, 0, 0);
	case CASE_LINEAR_V1:
		return invalidate(b, CMD_SIZE_V1, n, 0, 0, 0);
	case CASE_RING:
		return invalidate(b, size, n, IOMMU_HWPT_INVALIDATE_FLAG_RING,
				  n / 2, n | (n / 2));
	case CASE_SPLIT:
		tail_part = *b;
		tail_part.reqs = b->reqs + n / 2;
		rc = invalidate(&tail_part, size, n - n / 2, 0, 0, 0);
		if (rc || n / 2 == 0)
			return rc;
		return invalidate(b, size, n / 2, 0, 0, 0);
	case CASE_VMM_CMD:
		return vmm_per_command(b, n);
	case CASE_VMM_SYNC:
		return vmm_per_sync(b, n);
	case CASE_VMM_RING:
		return vmm_ring(b, n);
	}
	return -EINVAL;
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

struct bench_case {
	enum case_kind kind;
	__u32 n;
	bool unsupported;
	unsigned long reps, ioctls;
	unsigned long long per_call[SAMPLES];
};

/* Check that a case works and find a number of calls that lasts SAMPLE_NS */
static int prepare_case(struct bench *b, struct bench_case *c)
{
	unsigned long long start;
	unsigned long i;
	int rc;

	/* The ring cases need ring mode, which the documented probe found */
	if ((c->kind == CASE_RING || c->kind == CASE_VMM_RING) &&
	    !b->has_ring) {
		c->unsupported = true;
		return 0;
	}
	b->ioctls = 0;
	rc = one_call(b, c->kind, c->n);
	c->ioctls = b->ioctls;
	if (rc) {
		fprintf(stderr, "inval_bench: %s of %u entries failed: %s\n",
			case_names[c->kind], c->n, strerror(-rc));
		return rc;
	}
	for (c->reps = 1;; c->reps *= 2) {
		start = now_ns();
		for (i = 0; i != c->reps; i++)
			one_call(b, c->kind, c->n);
		if (now_ns() - start >= SAMPLE_NS)
			return 0;
	}
}

static int sample_case(struct bench *b, struct bench_case *c, int s)
{
	unsigned long long start;
	unsigned long i;
	int rc;

	start = now_ns();
	for (i = 0; i != c->reps; i++) {
		rc = one_call(b, c->kind, c->n);
		if (rc)
			return rc;
	}
	c->per_call[s] = (now_ns() - start) / c->reps;
	return 0;
}

static void report_case(struct bench_case *c)
{
	unsigned long long median;
	double per_entry = 0;

	if (c->unsupported) {
		printf("inval_bench case=%s entries=%u unsupported\n",
		       case_names[c->kind], c->n);
		return;
	}
	qsort(c->per_call, SAMPLES, sizeof(c->per_call[0]), cmp_ull);
	median = c->per_call[SAMPLES / 2];
	if (c->n)
		per_entry = (double)median / c->n;
	printf("inval_bench case=%s entries=%u calls=%lu ",
	       case_names[c->kind], c->n, c->reps * SAMPLES);
	printf("ns_per_call=%llu ns_per_entry=%.2f ioctls=%lu\n", median,
	       per_entry, c->ioctls);
}

/*
 * Every sample of every case, round-robin, so that a slow moment of the
 * (emulated) machine spreads over all cases instead of skewing one.
 */
static int run_cases(struct bench *b)
{
	static const enum case_kind kinds[] = { CASE_LINEAR, CASE_LINEAR_V1,
						CASE_SPLIT, CASE_RING,
						CASE_VMM_CMD, CASE_VMM_SYNC,
						CASE_VMM_RING };
	struct bench_case cases[1 + ARRAY_SIZE(kinds) * ARRAY_SIZE(sizes)];
	unsigned int i, j, num = 0;
	int s, rc;

	cases[num++] = (struct bench_case){ .kind = CASE_IOCTL };
	for (i = 0; i != ARRAY_SIZE(sizes); i++)
		for (j = 0; j != ARRAY_SIZE(kinds); j++)
			cases[num++] = (struct bench_case){ .kind = kinds[j],
							    .n = sizes[i] };
	for (i = 0; i != num; i++) {
		rc = prepare_case(b, &cases[i]);
		if (rc)
			return rc;
	}
	for (s = 0; s != SAMPLES; s++) {
		for (i = 0; i != num; i++) {
			if (cases[i].unsupported)
				continue;
			rc = sample_case(b, &cases[i], s);
			if (rc)
				return rc;
		}
	}
	for (i = 0; i != num; i++)
		report_case(&cases[i]);
	return 0;
}

/* Page-aligned, as a VMM's mapping of a guest queue is; NULL on failure */
static struct iommu_hwpt_invalidate_selftest *map_reqs(unsigned int num,
						       size_t *len)
{
	struct iommu_hwpt_invalidate_selftest *reqs;
	unsigned int i;

	*len = (num * sizeof(*reqs) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
	reqs = mmap(NULL, *len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (reqs == MAP_FAILED)
		return NULL;
	for (i = 0; i != num; i++)
		reqs[i].iotlb_id = i % MOCK_NESTED_DOMAIN_IOTLB_NUM;
	return reqs;
}

int main(void)
{
	struct iommu_hwpt_selftest data = {
		.iotlb = IOMMU_TEST_IOTLB_DEFAULT,
	};
	__u32 ioas_id, stdev_id, device_id, parent_id;
	struct bench b = {};
	size_t len, qlen;
	int rc = 0;

	b.fd = open("/dev/iommu", O_RDWR);
	if (b.fd < 0) {
		perror("inval_bench: /dev/iommu");
		return 1;
	}
	if (_test_ioctl_ioas_alloc(b.fd, &ioas_id) ||
	    _test_cmd_mock_domain(b.fd, ioas_id, &stdev_id, NULL, &device_id) ||
	    _test_cmd_hwpt_alloc(b.fd, device_id, ioas_id, 0,
				 IOMMU_HWPT_ALLOC_NEST_PARENT, &parent_id,
				 IOMMU_HWPT_DATA_NONE, NULL, 0) ||
	    _test_cmd_hwpt_alloc(b.fd, device_id, parent_id, 0, 0,
				 &b.nested_id, IOMMU_HWPT_DATA_SELFTEST, &data,
				 sizeof(data))) {
		perror("inval_bench: mock nested HWPT");
		return 1;
	}
	PAGE_SIZE = sysconf(_SC_PAGE_SIZE);
	b.reqs = map_reqs(MAX_ENTRIES, &len);
	b.queue = map_reqs(QUEUE_SLOTS, &qlen);
	if (!b.reqs || !b.queue)
		return 1;
	rc = _test_cmd_hwpt_invalidate_has_ring(b.fd, b.nested_id,
						IOMMU_HWPT_INVALIDATE_DATA_SELFTEST);
	if (rc < 0) {
		fprintf(stderr, "inval_bench: ring mode probe: %s\n",
			strerror(-rc));
		return 1;
	}
	b.has_ring = rc;

	rc = run_cases(&b);
	munmap(b.queue, qlen);
	munmap(b.reqs, len);
	close(b.fd);
	return rc ? 1 : 0;
}
