// SPDX-License-Identifier: GPL-2.0-only
/*
 * SMMUv3 nesting driven as a VMM drives it: a PCI device bound to vfio-pci
 * is opened through its VFIO cdev, bound to an iommufd, attached to a nested
 * HWPT built from a guest STE over a stage-2 nesting parent, and the guest's
 * commands are forwarded with IOMMU_HWPT_INVALIDATE, as linear arrays and as
 * rings.
 *
 * The test needs an SMMU with stage 1 and stage 2 (QEMU 10's emulated
 * SMMUv3 has both) and skips, saying why, where there is none. The device's
 * StreamID is taken to be its PCI requester ID unless IOMMUFD_SMMU_SID
 * gives it. Every case
 * that forwards commands also prints what the SMMU must execute, as
 * "# smmu-trace:" lines, and brackets them with marker commands (TLBI_NH_ASID
 * with ASIDs from MARK_ASID) so that a host that traces the emulated SMMU's
 * command queue can check that exactly those commands reached it, with the
 * parent's VMID (see testbed/smmu_trace.py).
 */
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <linux/vfio.h>

#include "iommufd_utils.h"

/* Command opcodes and fields, from the SMMUv3 architecture's command layouts */
#define OP_PREFETCH_CONFIG	0x01ULL
#define OP_PREFETCH_ADDR	0x02ULL
#define OP_CFGI_STE		0x03ULL
#define OP_CFGI_STE_RANGE	0x04ULL
#define OP_CFGI_CD		0x05ULL
#define OP_CFGI_CD_ALL		0x06ULL
#define OP_TLBI_NH_ALL		0x10ULL
#define OP_TLBI_NH_ASID		0x11ULL
#define OP_TLBI_NH_VA		0x12ULL
#define OP_TLBI_NH_VAA		0x13ULL
#define OP_TLBI_EL2_ALL		0x20ULL
#define OP_TLBI_S12_VMALL	0x28ULL
#define OP_TLBI_S2_IPA		0x2aULL
#define OP_TLBI_NSNH_ALL	0x30ULL
#define OP_ATC_INV		0x40ULL
#define OP_PRI_RESP		0x41ULL
#define OP_RESUME		0x44ULL
#define OP_STALL_TERM		0x45ULL
#define OP_CMD_SYNC		0x46ULL

#define TLBI_NUM(n)		((__u64)(n) << 12)	/* word 0 [16:12] */
#define TLBI_SCALE(s)		((__u64)(s) << 20)	/* word 0 [24:20] */
#define TLBI_VMID(v)		((__u64)(v) << 32)	/* word 0 [47:32] */
#define TLBI_ASID(a)		((__u64)(a) << 48)	/* word 0 [63:48] */
#define TLBI_LEAF		1ULL			/* word 1 [0] */
#define TLBI_TTL(t)		((__u64)(t) << 8)	/* word 1 [9:8] */
#define TLBI_TG(t)		((__u64)(t) << 10)	/* word 1 [11:10] */
#define CFGI_SSID(s)		((__u64)(s) << 12)	/* word 0 [31:12] */
#define CFGI_SID(s)		((__u64)(s) << 32)	/* word 0 [63:32] */
#define CFGI_LEAF		1ULL			/* word 1 [0] */
#define SYNC_CS(c)		((__u64)(c) << 12)	/* word 0 [13:12] */
#define SYNC_CS_NONE		0
#define SYNC_CS_IRQ		1
#define SYNC_CS_SEV		2
#define SYNC_MSH_ISH		(3ULL << 22)		/* word 0 [23:22] */
#define SYNC_MSIATTR_OIWB	(0xfULL << 24)		/* word 0 [27:24] */
#define SYNC_MSIDATA(d)		((__u64)(d) << 32)	/* word 0 [63:32] */

/* STE word 0: V [0], Config [3:1], S1Fmt [5:4], S1ContextPtr [51:6] */
#define STE_V			1ULL
#define STE_CFG_ABORT		(0ULL << 1)
#define STE_CFG_BYPASS		(4ULL << 1)
#define STE_CFG_S1		(5ULL << 1)
#define STE_CFG_S2		(6ULL << 1)

#define IDR0_S2P		0x1U			/* bit 0 */
#define IDR0_S1P		0x2U			/* bit 1 */
#define IDR0_ATS		0x400U			/* bit 10 */
#define IDR3_FWB		0x100U			/* bit 8 */
#define IDR3_RIL		0x400U			/* bit 10 */

/* Marker commands bracket each traced case: NH_ASID, ASID 0xf000 | 2n(+1) */
#define MARK_ASID		0xf000U

/* Where the IOAS maps the buffer, and the guest's CD table in it */
#define IOAS_IOVA		0x100000ULL
#define CD_TABLE_IPA		IOAS_IOVA

struct cmd {
	__u64 w[2];
};

/* Counts traced cases across the harness's forked test processes */
static unsigned int *trace_case;

static void __attribute__((constructor)) trace_case_setup(void)
{
	PAGE_SIZE = sysconf(_SC_PAGE_SIZE);
	trace_case = mmap(0, sizeof(*trace_case), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (trace_case == MAP_FAILED)
		exit(KSFT_FAIL);
}

FIXTURE(smmu_nested)
{
	int fd;
	int vfio_fd;
	__u32 dev_id;
	__u32 ioas_id;
	__u32 s2_id;
	__u32 nested_id;
	__u32 sid;
	struct iommu_hw_info_arm_smmuv3 info;
	void *buf;
};

/* The first device bound to vfio-pci, its cdev and its PCI requester ID */
static int find_vfio_device(char *cdev, size_t len, __u32 *rid)
{
	const char *drv = "/sys/bus/pci/drivers/vfio-pci";
	unsigned int dom, bus, dev, fn;
	struct dirent *d, *v;
	char path[512];
	DIR *dir, *vdir;
	int ret = -1;

	dir = opendir(drv);
	if (!dir)
		return -1;
	while (ret && (d = readdir(dir))) {
		if (sscanf(d->d_name, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4)
			continue;
		snprintf(path, sizeof(path), "%s/%s/vfio-dev", drv, d->d_name);
		vdir = opendir(path);
		if (!vdir)
			continue;
		while ((v = readdir(vdir))) {
			if (strncmp(v->d_name, "vfio", 4))
				continue;
			snprintf(cdev, len, "/dev/vfio/devices/%s", v->d_name);
			*rid = bus << 8 | dev << 3 | fn;
			ret = 0;
			break;
		}
		closedir(vdir);
	}
	closedir(dir);
	return ret;
}

static int vfio_attach(int vfio_fd, __u32 pt_id)
{
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.pt_id = pt_id,
	};

	return ioctl(vfio_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach);
}

static int alloc_nested(int fd, __u32 dev_id, __u32 s2_id, __u64 ste0,
			__u64 ste1, __u32 *id)
{
	struct iommu_hwpt_arm_smmuv3 ste = { .ste = { ste0, ste1 } };

	return _test_cmd_hwpt_alloc(fd, dev_id, s2_id, 0, 0, id,
				    IOMMU_HWPT_DATA_ARM_SMMUV3, &ste,
				    sizeof(ste));
}

FIXTURE_SETUP(smmu_nested)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct iommu_hw_info hw = {
		.size = sizeof(hw),
		.data_len = sizeof(self->info),
		.data_uptr = (uintptr_t)&self->info,
	};
	char cdev[300];
	int ret;

	self->vfio_fd = -1;
	self->fd = open("/dev/iommu", O_RDWR);
	ASSERT_NE(-1, self->fd);
	if (find_vfio_device(cdev, sizeof(cdev), &self->sid))
		SKIP(return, "no PCI device bound to vfio-pci with a VFIO cdev");
	/*
	 * The StreamID is the PCI requester ID where the firmware maps them
	 * one to one, as QEMU's virt machine does; elsewhere say which it is.
	 */
	if (getenv("IOMMUFD_SMMU_SID"))
		self->sid = strtoul(getenv("IOMMUFD_SMMU_SID"), NULL, 0);
	self->vfio_fd = open(cdev, O_RDWR);
	ASSERT_NE(-1, self->vfio_fd);
	bind.iommufd = self->fd;
	ASSERT_EQ(0, ioctl(self->vfio_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind));
	self->dev_id = bind.out_devid;

	hw.dev_id = self->dev_id;
	ASSERT_EQ(0, ioctl(self->fd, IOMMU_GET_HW_INFO, &hw));
	if (hw.out_data_type != IOMMU_HW_INFO_TYPE_ARM_SMMUV3)
		SKIP(return, "the device is not behind an SMMUv3 (hw_info type %u)",
		     hw.out_data_type);
	ASSERT_EQ(sizeof(self->info), hw.data_len);

	self->buf = mmap(0, PAGE_SIZE * 16, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->buf);
	test_ioctl_ioas_alloc(&self->ioas_id);
	test_ioctl_ioas_map_fixed_id(self->ioas_id, self->buf, PAGE_SIZE * 16,
				     IOAS_IOVA);

	ret = _test_cmd_hwpt_alloc(self->fd, self->dev_id, self->ioas_id, 0,
				   IOMMU_HWPT_ALLOC_NEST_PARENT, &self->s2_id,
				   IOMMU_HWPT_DATA_NONE, NULL, 0);
	if (ret && errno == EOPNOTSUPP)
		SKIP(return,
		     "no nesting parent (IDR0.S1P %u, IDR0.S2P %u, IDR3.FWB %u)",
		     !!(self->info.idr[0] & IDR0_S1P),
		     !!(self->info.idr[0] & IDR0_S2P),
		     !!(self->info.idr[3] & IDR3_FWB));
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, alloc_nested(self->fd, self->dev_id, self->s2_id,
				  STE_V | STE_CFG_S1 | CD_TABLE_IPA, 0,
				  &self->nested_id));
	ASSERT_EQ(0, vfio_attach(self->vfio_fd, self->nested_id));
}

FIXTURE_TEARDOWN(smmu_nested)
{
	/* Closing the cdev detaches and unbinds the device */
	if (self->vfio_fd != -1)
		EXPECT_EQ(0, close(self->vfio_fd));
	if (self->fd != -1)
		EXPECT_EQ(0, close(self->fd));
}

static bool has_ril(struct _test_data_smmu_nested *self)
{
	return self->info.idr[3] & IDR3_RIL;
}

static int inv_linear(int fd, __u32 hwpt_id, struct cmd *cmds, __u32 *num)
{
	return _test_cmd_hwpt_invalidate(fd, hwpt_id, cmds,
					 IOMMU_HWPT_INVALIDATE_DATA_ARM_SMMUV3,
					 sizeof(*cmds), num);
}

/* A linear array, with the reason of an early stop in *out */
static int inv_linear_out(int fd, __u32 hwpt_id, struct cmd *cmds,
			  __u32 *num, __u32 *out)
{
	struct iommu_hwpt_invalidate inv = {
		.size = sizeof(inv),
		.hwpt_id = hwpt_id,
		.data_uptr = (uintptr_t)cmds,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_ARM_SMMUV3,
		.entry_len = sizeof(*cmds),
		.entry_num = *num,
		/* Input ignored: the kernel writes it with entry_num */
		.out_flags = 0xdead,
	};
	int ret = ioctl(fd, IOMMU_HWPT_INVALIDATE, &inv);

	*num = inv.entry_num;
	*out = inv.out_flags;
	return ret;
}

static int inv_ring_out(int fd, __u32 hwpt_id, struct cmd *ring, __u32 slots,
			__u32 *head, __u32 tail, __u32 *out)
{
	struct iommu_hwpt_invalidate inv = {
		.size = sizeof(inv),
		.hwpt_id = hwpt_id,
		.data_uptr = (uintptr_t)ring,
		.data_type = IOMMU_HWPT_INVALIDATE_DATA_ARM_SMMUV3,
		.entry_len = sizeof(*ring),
		.entry_num = slots,
		.flags = IOMMU_HWPT_INVALIDATE_FLAG_RING,
		.head = *head,
		.tail = tail,
		.out_flags = 0xdead,
	};
	int ret = ioctl(fd, IOMMU_HWPT_INVALIDATE, &inv);

	/* Only head and out_flags are written back in ring mode */
	if (inv.entry_num != slots || inv.tail != tail || inv.__reserved2)
		return -1000;
	/* Both are written together, or neither */
	if (inv.out_flags == 0xdead && inv.head != *head)
		return -1001;
	*head = inv.head;
	if (out)
		*out = inv.out_flags == 0xdead ? 0 : inv.out_flags;
	return ret;
}

static int inv_ring(int fd, __u32 hwpt_id, struct cmd *ring, __u32 slots,
		    __u32 *head, __u32 tail)
{
	__u32 out;
	int ret = inv_ring_out(fd, hwpt_id, ring, slots, head, tail, &out);

	return !ret && out ? -1002 : ret;
}

static void marker(int fd, __u32 hwpt_id, unsigned int asid)
{
	struct cmd c = { { OP_TLBI_NH_ASID | TLBI_ASID(asid), 0 } };
	__u32 num = 1;

	/* The marker itself is checked by the host: it must show in the trace */
	if (inv_linear(fd, hwpt_id, &c, &num) || num != 1)
		printf("# smmu-trace: mark %#x failed: %s\n", asid,
		       strerror(errno));
}

/* Open a traced window; the host compares it with what is printed in it */
static unsigned int trace_begin(struct _test_data_smmu_nested *self,
				const char *what)
{
	unsigned int n = __atomic_add_fetch(trace_case, 1, __ATOMIC_RELAXED);

	marker(self->fd, self->nested_id, MARK_ASID | 2 * n);
	printf("# smmu-trace: begin %u %s\n", n, what);
	return n;
}

static void trace_end(struct _test_data_smmu_nested *self, unsigned int n)
{
	marker(self->fd, self->nested_id, MARK_ASID | (2 * n + 1));
	printf("# smmu-trace: end %u\n", n);
	fflush(stdout);
}

/* The SMMU must have executed these commands, as given, in this order */
static void trace_expect(unsigned int n, const struct cmd *c, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i != nr; i++)
		printf("# smmu-trace: cmd %u %#llx %#llx\n", n,
		       (unsigned long long)c[i].w[0],
		       (unsigned long long)c[i].w[1]);
}

/* One command of each opcode the kernel accepts, distinct in every field */
static unsigned int every_opcode(struct _test_data_smmu_nested *self,
				 struct cmd *c, unsigned int asid)
{
	__u64 range = has_ril(self) ? TLBI_NUM(3) | TLBI_SCALE(1) : 0;
	__u64 tg = has_ril(self) ? TLBI_TG(1) | TLBI_TTL(3) : 0;
	unsigned int i = 0;

	/* The guest's own VMID, which the kernel must replace */
	c[i++] = (struct cmd){ { OP_TLBI_NH_ALL | TLBI_VMID(0x77), 0 } };
	c[i++] = (struct cmd){ { OP_TLBI_NH_ASID | TLBI_VMID(0x77) |
				 TLBI_ASID(asid), 0 } };
	c[i++] = (struct cmd){ { OP_TLBI_NH_VA | TLBI_VMID(0x77) |
				 TLBI_ASID(asid) | range,
				 0x12345000ULL | tg | TLBI_LEAF } };
	c[i++] = (struct cmd){ { OP_TLBI_NH_VAA | TLBI_VMID(0x77) | range,
				 0x6789a000ULL | tg } };
	c[i++] = (struct cmd){ { OP_CFGI_CD | CFGI_SID(self->sid), CFGI_LEAF } };
	c[i++] = (struct cmd){ { OP_CFGI_CD_ALL | CFGI_SID(self->sid), 0 } };
	return i;
}

static struct cmd va(unsigned int asid, unsigned int page)
{
	return (struct cmd){ { OP_TLBI_NH_VA | TLBI_ASID(asid),
			       (0x40000000ULL + page * 0x1000ULL) | TLBI_LEAF } };
}

TEST_F(smmu_nested, hw_info)
{
	/* A VMM builds its virtual SMMU from these: they must be sane */
	EXPECT_EQ(0, self->info.flags);
	EXPECT_EQ(0, self->info.__reserved);
	EXPECT_NE(0, self->info.idr[0] & IDR0_S1P);
	EXPECT_NE(0, self->info.idr[0] & IDR0_S2P);
	/* The host compares them with the ID registers the driver read */
	for (int i = 0; i != 6; i++)
		printf("# smmu-trace: idr %d %#x\n", i, self->info.idr[i]);
	fflush(stdout);
}

TEST_F(smmu_nested, ste_configs)
{
	struct {
		__u64 ste0, ste1;
		int err;
	} t[] = {
		{ 0, 0, 0 },				/* V = 0: aborts */
		{ STE_V | STE_CFG_ABORT, 0, 0 },
		{ STE_V | STE_CFG_BYPASS, 0, 0 },
		{ STE_V | STE_CFG_S1 | CD_TABLE_IPA, 0, 0 },
		{ STE_V | STE_CFG_S2, 0, EIO },		/* the host owns S2 */
		{ STE_V | STE_CFG_S1, 1ULL << 8, EIO },	/* STE1 reserved */
		{ STE_V | STE_CFG_S1 | (3ULL << 4), 0, EIO },	/* S1Fmt 0b11 */
	};
	__u32 id;

	for (unsigned int i = 0; i != ARRAY_SIZE(t); i++) {
		int ret = alloc_nested(self->fd, self->dev_id, self->s2_id,
				       t[i].ste0, t[i].ste1, &id);

		if (t[i].err) {
			EXPECT_ERRNO(t[i].err, ret);
			continue;
		}
		ASSERT_EQ(0, ret);
		/* Attach it and go back, as a guest rewriting its STE */
		EXPECT_EQ(0, vfio_attach(self->vfio_fd, id));
		EXPECT_EQ(0, vfio_attach(self->vfio_fd, self->nested_id));
		test_ioctl_destroy(id);
	}
}

TEST_F(smmu_nested, linear_every_opcode)
{
	struct cmd c[8];
	unsigned int n, nr = every_opcode(self, c, 0x101);
	__u32 num = nr;

	n = trace_begin(self, "linear array, every accepted opcode");
	ASSERT_EQ(0, inv_linear(self->fd, self->nested_id, c, &num));
	ASSERT_EQ(nr, num);
	trace_expect(n, c, nr);
	trace_end(self, n);
}

TEST_F(smmu_nested, atc_inv)
{
	struct cmd c[2] = { va(0x102, 0), { { OP_ATC_INV | CFGI_SID(self->sid),
					      0x1000 } } };
	__u32 num = 2;
	unsigned int n;

	/*
	 * No function here has ATS: if the SMMU lacks it the command is the
	 * guest's error, else the device is the VMM's
	 */
	n = trace_begin(self, "ATC_INV to a function without ATS");
	EXPECT_ERRNO(self->info.idr[0] & IDR0_ATS ? EINVAL : EIO,
		     inv_linear(self->fd, self->nested_id, c, &num));
	EXPECT_EQ(1, num);
	trace_expect(n, c, 1);
	trace_end(self, n);
}

/* A ring of 8 slots: every head/tail pair a guest can leave */
TEST_F(smmu_nested, ring_wrap_and_full)
{
	static const struct {
		__u32 head, tail;
	} t[] = {
		{ 0, 5 },		/* no wrap */
		{ 5, 8 | 3 },		/* across the end */
		{ 8 | 6, 2 },		/* across the end, wrap bit set */
		{ 0, 8 },		/* full */
		{ 8 | 4, 4 },		/* full, from the middle */
	};
	struct cmd ring[8];

	for (unsigned int i = 0; i != ARRAY_SIZE(t); i++) {
		__u32 head = t[i].head, nr = (t[i].tail - t[i].head) & 15;
		struct cmd order[8];
		unsigned int n, j, ops;

		/* Every accepted opcode, then invalidations by VA */
		ops = every_opcode(self, order, 0x200 + i);
		for (j = 0; j != nr; j++) {
			if (j >= ops)
				order[j] = va(0x200 + i, j);
			ring[(t[i].head + j) & 7] = order[j];
		}
		n = trace_begin(self, "ring");
		ASSERT_EQ(0, inv_ring(self->fd, self->nested_id, ring, 8, &head,
				      t[i].tail));
		ASSERT_EQ(t[i].tail, head);
		trace_expect(n, order, nr);
		trace_end(self, n);
	}
}

/*
 * A bad command in the middle of a wrapped ring: the ones before it are
 * executed, none after it; head points at it. Fixing it and reissuing the
 * same command finishes the ring.
 */
TEST_F(smmu_nested, ring_reject_and_resume)
{
	struct cmd ring[8], order[8];
	__u32 head = 6, tail = 8 | 4;
	unsigned int n, j;

	for (j = 0; j != 6; j++) {
		order[j] = va(0x300, j);
		ring[(6 + j) & 7] = order[j];
	}
	/* The third request (slot 0) gets a reserved bit of word 1 */
	ring[0].w[1] |= 1ULL << 4;

	n = trace_begin(self, "ring with a bad command at slot 0");
	EXPECT_ERRNO(EIO, inv_ring(self->fd, self->nested_id, ring, 8,
				   &head, tail));
	EXPECT_EQ(8 | 0, head);
	trace_expect(n, order, 2);
	trace_end(self, n);

	ring[0] = order[2];
	n = trace_begin(self, "the same ring resumed at slot 0");
	ASSERT_EQ(0, inv_ring(self->fd, self->nested_id, ring, 8, &head, tail));
	EXPECT_EQ(tail, head);
	trace_expect(n, order + 2, 4);
	trace_end(self, n);
}

/* Illegal commands: -EIO, head at them, nothing after them executed */
TEST_F(smmu_nested, illegal_opcodes)
{
	static const __u64 ops[] = { OP_TLBI_S12_VMALL, OP_TLBI_S2_IPA,
				     OP_TLBI_NSNH_ALL, OP_TLBI_EL2_ALL, 0x00,
				     0xff, OP_CMD_SYNC | SYNC_CS(3) };

	for (unsigned int i = 0; i != ARRAY_SIZE(ops); i++) {
		struct cmd c[3] = { va(0x400 + i, 0), { { ops[i], 0 } },
				    va(0x400 + i, 1) };
		__u32 num = 3, out;
		unsigned int n;

		n = trace_begin(self, "an illegal opcode");
		EXPECT_ERRNO(EIO, inv_linear_out(self->fd, self->nested_id, c,
						 &num, &out));
		EXPECT_EQ(1, num);
		EXPECT_EQ(0, out);
		trace_expect(n, c, 1);
		trace_end(self, n);
	}
}

/*
 * Commands on state the VMM keeps: the call stops before them, successfully,
 * and says so; the VMM carries them out and resumes after them.
 */
TEST_F(smmu_nested, handed_back)
{
	const __u64 ops[][2] = {
		{ OP_CFGI_STE | CFGI_SID(self->sid), CFGI_LEAF },
		{ OP_CFGI_STE_RANGE, 31 },		/* CFGI_ALL */
		{ OP_PREFETCH_CONFIG | CFGI_SID(self->sid), 0 },
		{ OP_PREFETCH_ADDR | CFGI_SID(self->sid), 0x1000 },
		{ OP_PRI_RESP | CFGI_SID(self->sid), 0 },
		{ OP_RESUME | CFGI_SID(self->sid), 0 },
		{ OP_STALL_TERM | CFGI_SID(self->sid), 0 },
	};

	for (unsigned int i = 0; i != ARRAY_SIZE(ops); i++) {
		struct cmd c[3] = { va(0x480 + i, 0), { { ops[i][0], ops[i][1] } },
				    va(0x480 + i, 1) };
		struct cmd ring[4] = { c[2], { { 0 } }, c[0], c[1] };
		__u32 num = 3, out, head = 2;
		unsigned int n;

		n = trace_begin(self, "a command handed back, then resumed");
		ASSERT_EQ(0, inv_linear_out(self->fd, self->nested_id, c, &num,
					    &out));
		EXPECT_EQ(1, num);
		EXPECT_EQ(IOMMU_HWPT_INVALIDATE_OUT_HANDBACK, out);
		num = 1;
		ASSERT_EQ(0, inv_linear_out(self->fd, self->nested_id, &c[2],
					    &num, &out));
		EXPECT_EQ(1, num);
		EXPECT_EQ(0, out);
		/* The same in a ring from slot 2 over the end */
		ASSERT_EQ(0, inv_ring_out(self->fd, self->nested_id, ring, 4,
					  &head, 4 | 1, &out));
		EXPECT_EQ(3, head);
		EXPECT_EQ(IOMMU_HWPT_INVALIDATE_OUT_HANDBACK, out);
		/* Handed back again while first in line: nothing handled */
		ASSERT_EQ(0, inv_ring_out(self->fd, self->nested_id, ring, 4,
					  &head, 4 | 1, &out));
		EXPECT_EQ(3, head);
		EXPECT_EQ(IOMMU_HWPT_INVALIDATE_OUT_HANDBACK, out);
		head = 4 | 0;
		ASSERT_EQ(0, inv_ring_out(self->fd, self->nested_id, ring, 4,
					  &head, 4 | 1, &out));
		EXPECT_EQ(4 | 1, head);
		EXPECT_EQ(0, out);
		trace_expect(n, &c[0], 1);
		trace_expect(n, &c[2], 1);
		trace_expect(n, &c[0], 1);
		trace_expect(n, &c[2], 1);
		trace_end(self, n);
	}
}

static struct cmd sync_cmd(unsigned int cs, __u32 data, __u64 addr)
{
	return (struct cmd){ { OP_CMD_SYNC | SYNC_CS(cs) |
			       (cs == SYNC_CS_IRQ ?
				SYNC_MSH_ISH | SYNC_MSIATTR_OIWB : 0) |
			       SYNC_MSIDATA(data), addr } };
}

/*
 * A guest's CMD_SYNC is consumed; with CS=SIG_IRQ the call stops right after
 * it for the VMM to write MSIDATA to MSIADDR.
 */
TEST_F(smmu_nested, cmd_sync)
{
	struct cmd quiet[5] = { va(0x500, 0), sync_cmd(SYNC_CS_NONE, 0, 0),
				va(0x500, 1), sync_cmd(SYNC_CS_SEV, 0, 0),
				va(0x500, 2) };
	struct cmd irq[4] = { va(0x501, 0),
			      sync_cmd(SYNC_CS_IRQ, 0x1234, 0x8000a040),
			      va(0x501, 1) };
	struct cmd done[3] = { quiet[0], quiet[2], quiet[4] };
	__u32 num = 5, out, head;
	unsigned int n;

	n = trace_begin(self, "CMD_SYNC with SIG_NONE and SIG_SEV consumed");
	ASSERT_EQ(0, inv_linear_out(self->fd, self->nested_id, quiet, &num,
				    &out));
	EXPECT_EQ(5, num);
	EXPECT_EQ(0, out);
	trace_expect(n, done, 3);
	trace_end(self, n);

	n = trace_begin(self, "CMD_SYNC with SIG_IRQ: a stop after it");
	num = 3;
	ASSERT_EQ(0, inv_linear_out(self->fd, self->nested_id, irq, &num,
				    &out));
	EXPECT_EQ(2, num);
	EXPECT_EQ(IOMMU_HWPT_INVALIDATE_OUT_NOTIFY, out);
	/* Last in a ring: every command handled, and still the notice */
	head = 0;
	ASSERT_EQ(0, inv_ring_out(self->fd, self->nested_id, irq, 4, &head, 2,
				  &out));
	EXPECT_EQ(2, head);
	EXPECT_EQ(IOMMU_HWPT_INVALIDATE_OUT_NOTIFY, out);
	trace_expect(n, irq, 1);
	trace_expect(n, irq, 1);
	trace_end(self, n);
}

/* What a guest's command does, from the uAPI's four classes */
enum guest_class { G_ISSUED, G_SYNC, G_SYNC_IRQ, G_VMM, G_ILLEGAL };

static enum guest_class guest_class(const struct cmd *c)
{
	switch (c->w[0] & 0xff) {
	case OP_TLBI_NH_ALL: case OP_TLBI_NH_ASID: case OP_TLBI_NH_VA:
	case OP_TLBI_NH_VAA: case OP_CFGI_CD: case OP_CFGI_CD_ALL:
		return G_ISSUED;
	case OP_CMD_SYNC:
		if (((c->w[0] >> 12) & 3) == SYNC_CS_IRQ)
			return G_SYNC_IRQ;
		return ((c->w[0] >> 12) & 3) == 3 ? G_ILLEGAL : G_SYNC;
	case OP_PREFETCH_CONFIG: case OP_PREFETCH_ADDR: case OP_CFGI_STE:
	case OP_CFGI_STE_RANGE: case OP_PRI_RESP: case OP_RESUME:
	case OP_STALL_TERM:
		return G_VMM;
	default:
		return G_ILLEGAL;
	}
}

/* A doorbell's command j of kind k, as bells[] in guest_queue spells it */
static struct cmd guest_cmd(struct _test_data_smmu_nested *self, char k,
			    unsigned int d, unsigned int j)
{
	switch (k) {
	case 'V':
		return va(0x600 + d, j);
	case 'A':
		return (struct cmd){ { OP_TLBI_NH_ASID |
				       TLBI_ASID(0x600 + d + j), 0 } };
	case 'C':
		return (struct cmd){ { OP_CFGI_CD | CFGI_SID(self->sid),
				       CFGI_LEAF } };
	case 's':
		return sync_cmd(SYNC_CS_NONE, 0, 0);
	case 'e':
		return sync_cmd(SYNC_CS_SEV, 0, 0);
	case 'i':
		return sync_cmd(SYNC_CS_IRQ, d, 0x8000a000);
	case 'S':
		return (struct cmd){ { OP_CFGI_STE | CFGI_SID(self->sid),
				       CFGI_LEAF } };
	default:
		return (struct cmd){ { OP_TLBI_S12_VMALL, 0 } };
	}
}

/*
 * A guest's command queue forwarded as it is, once per doorbell, with the
 * guest's CONS and PROD: the VMM resumes from every stop as the uAPI says,
 * and the guest, told CERROR_ILL, replaces the bad command with a CMD_SYNC
 * as Linux does. Per doorbell there is one call plus one per stop before
 * its end; the SMMU executes exactly the issued commands, in order.
 */
TEST_F(smmu_nested, guest_queue)
{
	struct cmd q[16], want[128];
	unsigned int nwant = 0, n, d, j;
	__u32 cons = 0, prod = 0;
	/*
	 * Each doorbell's commands: V = TLBI_NH_VA, C = CFGI_CD, A =
	 * TLBI_NH_ASID, s/e/i = CMD_SYNC SIG_NONE/SEV/IRQ, S = CFGI_STE, X =
	 * TLBI_S12_VMALL (illegal)
	 */
	static const char *const bells[] = {
		"VVVVVi", "CAs", "VVVVVVVVVVVVVVVe", "VSCi", "VXVs",
		"AAAAAAAAAAAAAAAi", "sssS", "VVVVVVVVVVVVVVVV", "i",
	};

	n = trace_begin(self, "a guest queue, once per doorbell");
	for (d = 0; d != ARRAY_SIZE(bells); d++) {
		unsigned int len = strlen(bells[d]), calls = 0, want_calls = 1;
		unsigned int stops = 0, msi = 0, vmm = 0, ill = 0;

		for (j = 0; j != len; j++) {
			struct cmd *c = &q[(prod + j) & 15];

			*c = guest_cmd(self, bells[d][j], d, j);
			/* The reference: a stop before the end costs a call */
			switch (guest_class(c)) {
			case G_ISSUED:
				want[nwant++] = *c;
				break;
			case G_SYNC_IRQ:
			case G_VMM:
				if (j != len - 1)
					want_calls++;
				break;
			case G_ILLEGAL:
				/* Once more for the CMD_SYNC that replaces it */
				want_calls++;
				break;
			default:
				break;
			}
		}
		prod = (prod + len) & 31;

		/* The VMM's doorbell handler */
		while (cons != prod) {
			__u32 out, head = cons;
			int ret = inv_ring_out(self->fd, self->nested_id, q, 16,
					       &head, prod, &out);

			calls++;
			ASSERT_LE(calls, len + 1);
			if (ret) {
				/* CERROR_ILL at head; the guest skips it */
				ASSERT_EQ(EIO, errno);
				ASSERT_EQ(G_ILLEGAL, guest_class(&q[head & 15]));
				q[head & 15] = sync_cmd(SYNC_CS_NONE, 0, 0);
				ill++;
			} else if (out == IOMMU_HWPT_INVALIDATE_OUT_HANDBACK) {
				ASSERT_EQ(G_VMM, guest_class(&q[head & 15]));
				head = (head + 1) & 31;
				vmm++;
			} else if (out == IOMMU_HWPT_INVALIDATE_OUT_NOTIFY) {
				ASSERT_EQ(G_SYNC_IRQ,
					  guest_class(&q[(head - 1) & 15]));
				msi++;
			} else {
				ASSERT_EQ(0, out);
				ASSERT_EQ(prod, head);
			}
			stops += ret || out;
			cons = head;
		}
		EXPECT_EQ(want_calls, calls);
		EXPECT_EQ((unsigned int)!!strchr(bells[d], 'X'), ill);
		EXPECT_EQ((unsigned int)!!strchr(bells[d], 'S'), vmm);
		EXPECT_EQ((unsigned int)!!strchr(bells[d], 'i'), msi);
		printf("# doorbell %u: %u commands, %u calls, %u stops\n", d,
		       len, calls, stops);
	}
	trace_expect(n, want, nwant);
	trace_end(self, n);
}

/* A reserved bit per opcode, and StreamIDs that are not the device's */
TEST_F(smmu_nested, reserved_bits_and_foreign_sid)
{
	/* A reserved bit is the guest's error, a StreamID the VMM's */
	const struct {
		struct cmd c;
		int err;
	} bad[] = {
		{ { { OP_TLBI_NH_ALL | TLBI_ASID(1), 0 } }, EIO },
		{ { { OP_TLBI_NH_ASID | (1ULL << 8), 0 } }, EIO },
		{ { { OP_TLBI_NH_VA | TLBI_ASID(1), 0x1000 | (1ULL << 2) } }, EIO },
		{ { { OP_TLBI_NH_VAA | TLBI_ASID(1), 0x1000 } }, EIO },
		{ { { OP_CFGI_CD | CFGI_SID(self->sid), 1ULL << 1 } }, EIO },
		{ { { OP_CFGI_CD_ALL | CFGI_SID(self->sid) | CFGI_SSID(1), 0 } },
		  EIO },
		{ { { OP_CFGI_CD | CFGI_SID(self->sid + 1), 0 } }, EINVAL },
		{ { { OP_CFGI_CD_ALL | CFGI_SID(0xffff), 0 } }, EINVAL },
		{ { { OP_CFGI_CD | CFGI_SID(self->sid) | (1ULL << 10), 0 } }, EIO },
	};
	unsigned int n = trace_begin(self, "rejected commands: none runs");

	for (unsigned int i = 0; i != ARRAY_SIZE(bad); i++) {
		struct cmd c = bad[i].c;
		__u32 num = 1, head = 1;

		EXPECT_ERRNO(bad[i].err,
			     inv_linear(self->fd, self->nested_id, &c, &num));
		EXPECT_EQ(0, num);
		/* The same in a full ring of one: head stays at the command */
		c = bad[i].c;
		EXPECT_ERRNO(bad[i].err, inv_ring(self->fd, self->nested_id,
						  &c, 1, &head, 0));
		EXPECT_EQ(1, head);
	}
	trace_end(self, n);
}

/* A stage-2 unmap invalidates with the parent's VMID, which the host reads */
TEST_F(smmu_nested, s2_unmap)
{
	__u64 iova = IOAS_IOVA + 0x100000;
	unsigned int n;

	test_ioctl_ioas_map_fixed_id(self->ioas_id, self->buf, PAGE_SIZE * 8,
				     iova);
	n = trace_begin(self, "stage-2 unmap of the parent");
	test_ioctl_ioas_unmap_id(self->ioas_id, iova, PAGE_SIZE * 8);
	printf("# smmu-trace: s2 %u %#llx %#lx\n", n,
	       (unsigned long long)iova, PAGE_SIZE * 8);
	trace_end(self, n);
}

struct race {
	int fd;
	__u32 hwpt_id;
	__u32 sid;
	bool stop;
	unsigned int ok, einval, other;
};

static void *race_invalidate(void *arg)
{
	struct race *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_RELAXED)) {
		struct cmd c[2] = { va(0x500, 0),
				    { { OP_CFGI_CD | CFGI_SID(r->sid), 0 } } };
		__u32 num = 2;
		int ret = inv_linear(r->fd, r->hwpt_id, c, &num);

		if (!ret && num == 2)
			__atomic_add_fetch(&r->ok, 1, __ATOMIC_RELAXED);
		else if (ret && errno == EINVAL && num == 1)
			r->einval++;
		else
			r->other++;
	}
	return NULL;
}

/*
 * Detach and reattach while another thread forwards the device's CFGI_CD:
 * each call either runs it or refuses it because the device is gone, and
 * the host's queue never sees an error (checked on the trace).
 */
TEST_F(smmu_nested, detach_race)
{
	struct race r = { .fd = self->fd, .hwpt_id = self->nested_id,
			  .sid = self->sid };
	unsigned int n = trace_begin(self, "loose: detach racing CFGI_CD");
	pthread_t t;

	ASSERT_EQ(0, pthread_create(&t, NULL, race_invalidate, &r));
	/* On one vCPU the thread may not run before the loop is over */
	while (!__atomic_load_n(&r.ok, __ATOMIC_RELAXED))
		sched_yield();
	for (int i = 0; i != 200; i++) {
		EXPECT_EQ(0, vfio_attach(self->vfio_fd, self->s2_id));
		EXPECT_EQ(0, vfio_attach(self->vfio_fd, self->nested_id));
	}
	__atomic_store_n(&r.stop, true, __ATOMIC_RELAXED);
	ASSERT_EQ(0, pthread_join(t, NULL));
	trace_end(self, n);
	EXPECT_EQ(0, r.other);
	EXPECT_NE(0, r.ok);
	TH_LOG("%u calls ran, %u found the device detached", r.ok, r.einval);
}

/*
 * A VMM forwarding a guest's bursts of 1, 16, 256 and 4096 TLBIs with a
 * CMD_SYNC after every 16th and the last, as Linux guests batch, from a
 * queue where the burst wraps, three ways: one command per call (the VMM
 * answers the CMD_SYNCs itself), one linear call per CMD_SYNC with the
 * commands it closes (two where they wrap), and the whole doorbell as one
 * ring call. Checks the calls each way takes and prints, per way and burst,
 * the calls and the nanoseconds per command (guest instructions per command
 * when the guest runs with -icount shift=0, as make bench boots it), the
 * median of IOMMUFD_BENCH_REPS (default 1) runs.
 */
#define BURST_SLOTS	8192
#define BURST_SYNC	16
#define BURST_REPS	15

enum burst_way { BY_COMMAND, BY_SYNC, BY_DOORBELL, NR_WAYS };

static unsigned int burst_len(unsigned int n)
{
	return n + (n + BURST_SYNC - 1) / BURST_SYNC;
}

static bool burst_sync(unsigned int n, unsigned int i)
{
	return i % (BURST_SYNC + 1) == BURST_SYNC || i == burst_len(n) - 1;
}

/* Queue slots [from, from + num) as linear calls; returns the calls or -1 */
static int forward_linear(int fd, __u32 hwpt_id, struct cmd *q,
			  unsigned int from, unsigned int num)
{
	unsigned int first = from % BURST_SLOTS;
	__u32 part = num < BURST_SLOTS - first ? num : BURST_SLOTS - first;
	__u32 rest = num - part, done = part;

	if (inv_linear(fd, hwpt_id, q + first, &done) || done != part)
		return -1;
	if (!rest)
		return 1;
	done = rest;
	if (inv_linear(fd, hwpt_id, q, &done) || done != rest)
		return -1;
	return 2;
}

static int forward_burst(int fd, __u32 hwpt_id, struct cmd *q,
			 enum burst_way way, unsigned int n)
{
	unsigned int start = BURST_SLOTS - burst_len(n) / 2, first = 0, i;
	__u32 head = start, tail = (start + burst_len(n)) % (2 * BURST_SLOTS);
	__u32 out;
	int calls = 0, c;

	if (way == BY_DOORBELL) {
		if (inv_ring_out(fd, hwpt_id, q, BURST_SLOTS, &head, tail,
				 &out) || out || head != tail)
			return -1;
		return 1;
	}
	for (i = 0; i != burst_len(n); i++) {
		if (way == BY_COMMAND && !burst_sync(n, i))
			c = forward_linear(fd, hwpt_id, q, start + i, 1);
		else if (way == BY_SYNC && burst_sync(n, i))
			c = forward_linear(fd, hwpt_id, q, start + first,
					   i - first);
		else
			continue;
		if (c < 0)
			return c;
		calls += c;
		first = i + 1;
	}
	return calls;
}

static int cmp_ull(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

TEST_F(smmu_nested, forward_bursts)
{
	static const unsigned int bursts[] = { 1, 16, 256, 4096 };
	static const char *const names[] = { "per_command", "per_sync",
					     "per_doorbell" };
	unsigned long long ns[BURST_REPS];
	unsigned int reps = 1, r, b, i, w, syncs;
	size_t len = BURST_SLOTS * sizeof(struct cmd);
	struct cmd *q;

	if (getenv("IOMMUFD_BENCH_REPS"))
		reps = strtoul(getenv("IOMMUFD_BENCH_REPS"), NULL, 0);
	ASSERT_LE(1, reps);
	ASSERT_GE(BURST_REPS, reps);
	q = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	ASSERT_NE(MAP_FAILED, q);
	for (b = 0; b != ARRAY_SIZE(bursts); b++) {
		unsigned int n = bursts[b];
		unsigned int start = BURST_SLOTS - burst_len(n) / 2;

		for (i = 0, syncs = 0; i != burst_len(n); i++) {
			struct cmd *c = &q[(start + i) % BURST_SLOTS];

			if (burst_sync(n, i)) {
				*c = sync_cmd(SYNC_CS_NONE, 0, 0);
				syncs++;
			} else {
				*c = va(0x700 + b, i);
			}
		}
		for (w = 0; w != NR_WAYS; w++) {
			/* The reference: a call per command, per sync, one */
			unsigned int want = w == BY_COMMAND ? n :
					    w == BY_SYNC ? syncs : 1;
			/* and one more for a batch that wraps */
			unsigned int k = burst_len(n) / 2;

			want += w == BY_SYNC && k && !burst_sync(n, k - 1) &&
				!burst_sync(n, k);
			int calls = 0;

			for (r = 0; r != reps; r++) {
				struct timespec t0, t1;

				clock_gettime(CLOCK_MONOTONIC, &t0);
				calls = forward_burst(self->fd, self->nested_id,
						      q, w, n);
				clock_gettime(CLOCK_MONOTONIC, &t1);
				ASSERT_LE(0, calls);
				ns[r] = (t1.tv_sec - t0.tv_sec) * 1000000000ULL +
					t1.tv_nsec - t0.tv_nsec;
			}
			EXPECT_EQ(want, (unsigned int)calls);
			qsort(ns, reps, sizeof(ns[0]), cmp_ull);
			printf("# vmm_bench way=%s burst=%u ioctls=%d ns_per_cmd=%.2f\n",
			       names[w], n, calls, (double)ns[reps / 2] / n);
		}
	}
	munmap(q, len);
}

/* The guest's StreamID for the device, unlike its host one */
#define VSID			0x4242U

static int viommu_alloc(int fd, __u32 dev_id, __u32 hwpt_id, __u32 type,
			__u32 *id)
{
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = type,
		.dev_id = dev_id,
		.hwpt_id = hwpt_id,
	};
	int ret = ioctl(fd, IOMMU_VIOMMU_ALLOC, &cmd);

	if (!ret)
		*id = cmd.out_viommu_id;
	return ret;
}

static int vdevice_alloc(int fd, __u32 viommu_id, __u32 dev_id, __u64 virt_id,
			 __u32 *id)
{
	struct iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.viommu_id = viommu_id,
		.dev_id = dev_id,
		.virt_id = virt_id,
	};
	int ret = ioctl(fd, IOMMU_VDEVICE_ALLOC, &cmd);

	if (!ret)
		*id = cmd.out_vdevice_id;
	return ret;
}

static int destroy(int fd, __u32 id)
{
	struct iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return ioctl(fd, IOMMU_DESTROY, &cmd);
}

/* The errors of IOMMU_VIOMMU_ALLOC and IOMMU_VDEVICE_ALLOC, as documented */
TEST_F(smmu_nested, viommu_errors)
{
	struct iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
		.dev_id = self->dev_id,
		.hwpt_id = self->s2_id,
	};
	__u32 viommu_id, vdev_id, id, s1_id;
	__u64 data = 0;

	cmd.flags = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.flags = 0;
	cmd.__reserved = 1;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.__reserved = 0;
	cmd.type = IOMMU_VIOMMU_TYPE_DEFAULT;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.type = 0x77;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
	cmd.data_len = sizeof(data);
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.data_uptr = (uintptr_t)&data;
	EXPECT_ERRNO(EOPNOTSUPP, ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.data_len = 0;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.data_uptr = 0;
	/* Not a paging HWPT: the IOAS, the nested HWPT, no object */
	cmd.hwpt_id = self->ioas_id;
	EXPECT_ERRNO(ENOENT, ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.hwpt_id = self->nested_id;
	EXPECT_ERRNO(ENOENT, ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.hwpt_id = 0xffff;
	EXPECT_ERRNO(ENOENT, ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.hwpt_id = self->s2_id;
	cmd.dev_id = 0xffff;
	EXPECT_ERRNO(ENOENT, ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));
	cmd.dev_id = self->dev_id;
	/* A paging HWPT that is not a nesting parent */
	ASSERT_EQ(0, _test_cmd_hwpt_alloc(self->fd, self->dev_id, self->ioas_id,
					  0, 0, &s1_id, IOMMU_HWPT_DATA_NONE,
					  NULL, 0));
	cmd.hwpt_id = s1_id;
	EXPECT_ERRNO(EINVAL, ioctl(self->fd, IOMMU_VIOMMU_ALLOC, &cmd));

	ASSERT_EQ(0, viommu_alloc(self->fd, self->dev_id, self->s2_id,
				  IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu_id));

	EXPECT_ERRNO(ENOENT, vdevice_alloc(self->fd, self->s2_id, self->dev_id,
					   VSID, &id));
	EXPECT_ERRNO(ENOENT, vdevice_alloc(self->fd, viommu_id, 0xffff, VSID,
					   &id));
	ASSERT_EQ(0, vdevice_alloc(self->fd, viommu_id, self->dev_id, VSID,
				   &vdev_id));
	/* One virtual ID per device, whichever the ID */
	EXPECT_ERRNO(EEXIST, vdevice_alloc(self->fd, viommu_id, self->dev_id,
					   VSID, &id));
	EXPECT_ERRNO(EEXIST, vdevice_alloc(self->fd, viommu_id, self->dev_id,
					   VSID + 1, &id));
	/* The vDEVICE holds its vIOMMU */
	EXPECT_ERRNO(EBUSY, destroy(self->fd, viommu_id));
	EXPECT_EQ(0, destroy(self->fd, vdev_id));
	/* Once destroyed, the device can take another ID */
	ASSERT_EQ(0, vdevice_alloc(self->fd, viommu_id, self->dev_id,
				   VSID + 1, &vdev_id));
	EXPECT_EQ(0, destroy(self->fd, vdev_id));
	EXPECT_EQ(0, destroy(self->fd, viommu_id));
	EXPECT_EQ(0, destroy(self->fd, s1_id));
}

/*
 * A guest queue on the vIOMMU names the device by its virtual StreamID: the
 * SMMU executes the commands with the host's, and a StreamID the guest was
 * not given fails, with head at it and nothing after it executed.
 */
TEST_F(smmu_nested, viommu_virtual_sids)
{
	__u32 viommu_id, vdev_id, head, out, num;
	struct cmd ring[8], done[8];
	unsigned int n;

	ASSERT_EQ(0, viommu_alloc(self->fd, self->dev_id, self->s2_id,
				  IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu_id));
	ASSERT_EQ(0, vdevice_alloc(self->fd, viommu_id, self->dev_id, VSID,
				   &vdev_id));

	/* From slot 5 across the end: TLBIs, CFGIs, syncs, a CFGI_STE */
	ring[5] = va(0x800, 0);
	ring[6] = (struct cmd){ { OP_CFGI_CD | CFGI_SID(VSID) | CFGI_SSID(0),
				  CFGI_LEAF } };
	ring[7] = sync_cmd(SYNC_CS_SEV, 0, 0);
	ring[0] = (struct cmd){ { OP_CFGI_CD_ALL | CFGI_SID(VSID), 0 } };
	ring[1] = (struct cmd){ { OP_CFGI_STE | CFGI_SID(VSID), 0 } };
	ring[2] = va(0x800, 1);
	ring[3] = sync_cmd(SYNC_CS_NONE, 0, 0);
	done[0] = ring[5];
	done[1] = (struct cmd){ { OP_CFGI_CD | CFGI_SID(self->sid), CFGI_LEAF } };
	done[2] = (struct cmd){ { OP_CFGI_CD_ALL | CFGI_SID(self->sid), 0 } };
	done[3] = ring[2];

	n = trace_begin(self, "a guest queue with virtual StreamIDs");
	head = 5;
	ASSERT_EQ(0, inv_ring_out(self->fd, viommu_id, ring, 8, &head, 8 | 4,
				  &out));
	EXPECT_EQ(IOMMU_HWPT_INVALIDATE_OUT_HANDBACK, out);
	EXPECT_EQ(8 | 1, head);
	/* The VMM carries out the CFGI_STE and resumes after it */
	head++;
	ASSERT_EQ(0, inv_ring_out(self->fd, viommu_id, ring, 8, &head, 8 | 4,
				  &out));
	EXPECT_EQ(0, out);
	EXPECT_EQ(8 | 4, head);
	trace_expect(n, done, 4);
	trace_end(self, n);

	/* The host StreamID, or any the VMM did not give, is the guest's error */
	ring[0] = va(0x801, 0);
	ring[1] = (struct cmd){ { OP_CFGI_CD_ALL | CFGI_SID(VSID + 1), 0 } };
	ring[2] = va(0x801, 1);
	n = trace_begin(self, "an unknown virtual StreamID");
	head = 0;
	EXPECT_ERRNO(EIO, inv_ring(self->fd, viommu_id, ring, 8, &head, 3));
	EXPECT_EQ(1, head);
	if (self->sid != VSID) {
		ring[1].w[0] = OP_CFGI_CD_ALL | CFGI_SID(self->sid);
		EXPECT_ERRNO(EIO, inv_ring(self->fd, viommu_id, ring, 8, &head,
					   3));
		EXPECT_EQ(1, head);
	}
	trace_expect(n, ring, 1);
	trace_end(self, n);

	/* Without ATS on the device, an ATC_INV is the guest's error too */
	ring[0] = (struct cmd){ { OP_ATC_INV | CFGI_SID(VSID), 0x1000 } };
	num = 1;
	EXPECT_ERRNO(EIO, inv_linear(self->fd, viommu_id, ring, &num));
	EXPECT_EQ(0, num);

	EXPECT_EQ(0, destroy(self->fd, vdev_id));
	/* Its ID destroyed, the device is no longer found */
	ring[0] = (struct cmd){ { OP_CFGI_CD_ALL | CFGI_SID(VSID), 0 } };
	num = 1;
	EXPECT_ERRNO(EIO, inv_linear(self->fd, viommu_id, ring, &num));
	EXPECT_EQ(0, destroy(self->fd, viommu_id));
}

/* A nested HWPT allocated on the vIOMMU, as a VMM written for mainline does */
TEST_F(smmu_nested, viommu_nested_hwpt)
{
	struct iommu_hwpt_arm_smmuv3 ste = {
		.ste = { STE_V | STE_CFG_S1 | CD_TABLE_IPA, 0 },
	};
	struct cmd c = { { OP_CFGI_CD_ALL | CFGI_SID(VSID), 0 } };
	struct cmd want = { { OP_CFGI_CD_ALL | CFGI_SID(self->sid), 0 } };
	__u32 viommu_id, vdev_id, hwpt_id, num = 1;
	unsigned int n;

	ASSERT_EQ(0, viommu_alloc(self->fd, self->dev_id, self->s2_id,
				  IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu_id));
	ASSERT_EQ(0, vdevice_alloc(self->fd, viommu_id, self->dev_id, VSID,
				   &vdev_id));
	ASSERT_EQ(0, _test_cmd_hwpt_alloc(self->fd, self->dev_id, viommu_id, 0,
					  0, &hwpt_id,
					  IOMMU_HWPT_DATA_ARM_SMMUV3, &ste,
					  sizeof(ste)));
	ASSERT_EQ(0, vfio_attach(self->vfio_fd, hwpt_id));
	n = trace_begin(self, "on a nested HWPT allocated on the vIOMMU");
	EXPECT_EQ(0, inv_linear(self->fd, viommu_id, &c, &num));
	EXPECT_EQ(1, num);
	trace_expect(n, &want, 1);
	trace_end(self, n);
	ASSERT_EQ(0, vfio_attach(self->vfio_fd, self->nested_id));
	EXPECT_EQ(0, destroy(self->fd, hwpt_id));
	EXPECT_EQ(0, destroy(self->fd, vdev_id));
	EXPECT_EQ(0, destroy(self->fd, viommu_id));
}

/*
 * Closing the VFIO cdev first unbinds the device: its virtual StreamID then
 * names nothing, and the vDEVICE is still there to destroy.
 */
TEST_F(smmu_nested, viommu_device_closed_first)
{
	struct cmd c = { { OP_CFGI_CD_ALL | CFGI_SID(VSID), 0 } };
	__u32 viommu_id, vdev_id, num = 1;

	ASSERT_EQ(0, viommu_alloc(self->fd, self->dev_id, self->s2_id,
				  IOMMU_VIOMMU_TYPE_ARM_SMMUV3, &viommu_id));
	ASSERT_EQ(0, vdevice_alloc(self->fd, viommu_id, self->dev_id, VSID,
				   &vdev_id));
	ASSERT_EQ(0, close(self->vfio_fd));
	self->vfio_fd = -1;
	EXPECT_ERRNO(EIO, inv_linear(self->fd, viommu_id, &c, &num));
	EXPECT_EQ(0, num);
	EXPECT_EQ(0, destroy(self->fd, vdev_id));
	EXPECT_EQ(0, destroy(self->fd, viommu_id));
}

TEST_HARNESS_MAIN
