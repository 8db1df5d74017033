// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests of arm-smmu-v3 nested domains on an SMMU built in memory: the
 * checks of user STEs, the STE of a nested master, and the cache
 * invalidation op, with arm_smmu_cmdq_issue_cmdlist() replaced by a recorder
 * of what reaches the command queue. The user data is in user memory.
 */
#include <kunit/device.h>
#include <kunit/static_stub.h>
#include <kunit/test-bug.h>
#include <kunit/test.h>
#include <linux/io-pgtable.h>
#include <linux/iommu_user_array.h>
#include <linux/mman.h>
#include <linux/uaccess.h>
#include <uapi/linux/iommufd.h>

#include "arm-smmu-v3.h"

#define VMID		0x42
#define SID_A		0x10	/* the nested master, with ATS */
#define SID_B		0x11	/* its second stream */
#define SID_OTHER	0x20	/* a master of another nested domain */
#define SID_NONE	0x30	/* no master at all */
#define VSID_OTHER	0x7	/* the guest's StreamID of the other master */
#define VSID_MASTER	0x8	/* ... of the nested master, with two streams */
#define VSID_GONE	0x9	/* ... of a device attached to no domain */
#define VSID_NONE	0xa	/* no device at all */
#define UMEM_SIZE	(2 * PAGE_SIZE)
#define MAX_QUEUED	256
#define MAX_CALLS	8
#define BATCH		(CMDQ_BATCH_ENTRIES - 1)
#define TYPE		IOMMU_HWPT_INVALIDATE_DATA_ARM_SMMUV3

#define OP(op)		FIELD_PREP_CONST(CMDQ_0_OP, CMDQ_OP_##op)
#define TVMID(v)	FIELD_PREP_CONST(CMDQ_TLBI_0_VMID, v)
#define TASID(a)		FIELD_PREP_CONST(CMDQ_TLBI_0_ASID, a)
#define SID(s)		FIELD_PREP_CONST(CMDQ_CFGI_0_SID, s)
#define SSID(s)		FIELD_PREP_CONST(CMDQ_CFGI_0_SSID, s)
#define SYNC_CS(cs)	FIELD_PREP_CONST(CMDQ_SYNC_0_CS, cs)

#define STE0(cfg)	(STRTAB_STE_0_V | FIELD_PREP_CONST(STRTAB_STE_0_CFG, cfg))
#define S1FMT(f)	FIELD_PREP_CONST(STRTAB_STE_0_S1FMT, f)
#define CDMAX(m)	FIELD_PREP_CONST(STRTAB_STE_0_S1CDMAX, m)
#define CDPTR		0x0000123456789ac0ULL
#define S1DSS(d)	FIELD_PREP_CONST(STRTAB_STE_1_S1DSS, d)
#define EATS(e)		FIELD_PREP_CONST(STRTAB_STE_1_EATS, e)

#define FEATURES	(ARM_SMMU_FEAT_TRANS_S1 | ARM_SMMU_FEAT_TRANS_S2 |  \
			 ARM_SMMU_FEAT_NESTING | ARM_SMMU_FEAT_ATS |	    \
			 ARM_SMMU_FEAT_RANGE_INV | ARM_SMMU_FEAT_2_LVL_CDTAB)

struct issue_call {
	int n;
	bool sync;
};

struct nested_test {
	struct arm_smmu_device smmu;
	struct io_pgtable pgtable;
	struct arm_smmu_domain s2;
	struct arm_smmu_stream streams[2];
	struct arm_smmu_stream other_stream;
	struct arm_smmu_master master;
	struct arm_smmu_master other;
	struct arm_smmu_master_domain master_domain;
	struct arm_smmu_master_domain other_domain;
	struct iommu_domain *nested;
	struct iommu_domain *other_nested;
	void __user *umem;
	/* Devices only compared by the driver, never registered */
	struct device master_dev;
	struct device other_dev;
	struct device gone_dev;
	/* A vIOMMU over the parent, and whether invalidate() goes through it */
	struct arm_vsmmu vsmmu;
	bool via_vsmmu;

	/* What reached the queue */
	u64 queue[MAX_QUEUED][CMDQ_ENT_DWORDS];
	unsigned int nr_queued;
	struct issue_call calls[MAX_CALLS];
	unsigned int nr_calls;
	/* Fail this call (counting from 1) of the recorder with -ETIMEDOUT */
	unsigned int fail_call;
	/* Commands that reached the queue without arm_smmu_asid_lock held */
	unsigned int unlocked;
	/* CFGI or ATC_INV commands that reached it for no attached master */
	unsigned int stale;
	/* Detach the nested master once this fetch (from 1) returned */
	unsigned int detach_after_fetch;
	unsigned int nr_fetches;
	/* Why the last invalidate() stopped early, if it did */
	u32 stopped;
};

/* Whether a CFGI or ATC_INV command names a stream of an attached master */
static bool sid_attached(struct nested_test *t, const u64 *cmd)
{
	u8 op = FIELD_GET(CMDQ_0_OP, cmd[0]);
	u32 sid = FIELD_GET(CMDQ_CFGI_0_SID, cmd[0]);
	struct arm_smmu_master_domain *md;
	unsigned int i;

	if (op != CMDQ_OP_CFGI_CD && op != CMDQ_OP_CFGI_CD_ALL &&
	    op != CMDQ_OP_ATC_INV)
		return true;
	list_for_each_entry(md, &t->s2.devices, devices_elm) {
		if (op == CMDQ_OP_ATC_INV && !md->master->ats_enabled)
			continue;
		for (i = 0; i != md->master->num_streams; i++)
			if (md->master->streams[i].id == sid)
				return true;
	}
	return false;
}

static int record_issue(struct arm_smmu_device *smmu,
			struct arm_smmu_cmdq *cmdq, u64 *cmds, int n, bool sync)
{
	struct nested_test *t = kunit_get_current_test()->priv;
	int i;

	for (i = 0; i != n; i++)
		if (!sid_attached(t, &cmds[i * CMDQ_ENT_DWORDS]))
			t->stale++;

	if (t->nr_calls < MAX_CALLS)
		t->calls[t->nr_calls] = (struct issue_call){ n, sync };
	if (!mutex_is_locked(&arm_smmu_asid_lock))
		t->unlocked += n;
	if (++t->nr_calls == t->fail_call)
		return -ETIMEDOUT;
	for (i = 0; i != n && t->nr_queued < MAX_QUEUED; i++, t->nr_queued++)
		memcpy(t->queue[t->nr_queued], &cmds[i * CMDQ_ENT_DWORDS],
		       sizeof(t->queue[0]));
	return 0;
}

/* Allocate a nested domain on the test's parent from a user STE */
static struct iommu_domain *alloc_nested(struct kunit *test, u64 ste0,
					 u64 ste1)
{
	struct nested_test *t = test->priv;
	struct iommu_hwpt_arm_smmuv3 arg = {
		.ste = { cpu_to_le64(ste0), cpu_to_le64(ste1) },
	};
	struct iommu_user_data user_data = {
		.type = IOMMU_HWPT_DATA_ARM_SMMUV3,
		.uptr = t->umem,
		.len = sizeof(arg),
	};

	KUNIT_ASSERT_EQ(test, 0, copy_to_user(t->umem, &arg, sizeof(arg)));
	return arm_smmu_nested_domain_alloc(&t->master, 0, &t->s2, &user_data);
}

static void free_domain(struct iommu_domain *domain)
{
	if (!IS_ERR_OR_NULL(domain))
		domain->ops->free(domain);
}

/* Put master on the parent's list as arm_smmu_attach_prepare() does */
static void fake_attach(struct nested_test *t,
			struct arm_smmu_master_domain *master_domain,
			struct arm_smmu_master *master,
			struct iommu_domain *nested)
{
	master_domain->master = master;
	master_domain->ssid = IOMMU_NO_PASID;
	master_domain->nested = to_smmu_nested_domain(nested);
	list_add_tail(&master_domain->devices_elm, &t->s2.devices);
}

static int nested_test_init(struct kunit *test)
{
	struct nested_test *t;
	unsigned long addr;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	test->priv = t;

	addr = kunit_vm_mmap(test, NULL, 0, UMEM_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "no user memory");
	t->umem = (void __user *)addr;

	t->smmu.features = FEATURES;
	t->smmu.ssid_bits = 20;
	t->smmu.asid_bits = 16;
	t->smmu.vmid_bits = 16;

	/* A nesting parent as far as the nested domain can tell */
	t->pgtable.cfg.arm_lpae_s2_cfg.vttbr = 0xdaedbeefdeadbeefULL;
	t->pgtable.cfg.arm_lpae_s2_cfg.vtcr.ps = 1;
	t->pgtable.cfg.arm_lpae_s2_cfg.vtcr.tg = 2;
	t->pgtable.cfg.arm_lpae_s2_cfg.vtcr.tsz = 4;
	t->s2.smmu = &t->smmu;
	t->s2.pgtbl_ops = &t->pgtable.ops;
	t->s2.stage = ARM_SMMU_DOMAIN_S2;
	t->s2.nest_parent = true;
	t->s2.s2_cfg.vmid = VMID;
	INIT_LIST_HEAD(&t->s2.devices);
	spin_lock_init(&t->s2.devices_lock);

	t->streams[0].id = SID_A;
	t->streams[1].id = SID_B;
	t->master.smmu = &t->smmu;
	t->master.streams = t->streams;
	t->master.num_streams = 2;
	t->master.ats_enabled = true;
	/* PASID enabled on the function, for 256 SSIDs */
	t->master.ssid_bits = 8;
	t->other_stream.id = SID_OTHER;
	t->other.smmu = &t->smmu;
	t->other.streams = &t->other_stream;
	t->other.num_streams = 1;
	t->other.ats_enabled = true;

	t->nested = alloc_nested(test, STE0(STRTAB_STE_0_CFG_S1_TRANS) | CDPTR,
				 EATS(STRTAB_STE_1_EATS_TRANS));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->nested);
	t->other_nested = alloc_nested(test,
				       STE0(STRTAB_STE_0_CFG_S1_TRANS) | CDPTR,
				       0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->other_nested);
	fake_attach(t, &t->master_domain, &t->master, t->nested);
	fake_attach(t, &t->other_domain, &t->other, t->other_nested);

	/* The vIOMMU as the core sets it up, with the VMM's vDEVICEs */
	t->master.dev = &t->master_dev;
	t->other.dev = &t->other_dev;
	t->vsmmu.core.iommu_dev = &t->smmu.iommu;
	t->vsmmu.core.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3;
	xa_init(&t->vsmmu.core.vdevs);
	KUNIT_ASSERT_EQ(test, 0, xa_err(xa_store(&t->vsmmu.core.vdevs,
						 VSID_OTHER, &t->other_dev,
						 GFP_KERNEL)));
	KUNIT_ASSERT_EQ(test, 0, xa_err(xa_store(&t->vsmmu.core.vdevs,
						 VSID_MASTER, &t->master_dev,
						 GFP_KERNEL)));
	KUNIT_ASSERT_EQ(test, 0, xa_err(xa_store(&t->vsmmu.core.vdevs,
						 VSID_GONE, &t->gone_dev,
						 GFP_KERNEL)));
	KUNIT_ASSERT_EQ(test, 0, arm_vsmmu_init(&t->vsmmu.core, &t->s2.domain,
						NULL));

	kunit_activate_static_stub(test, arm_smmu_cmdq_issue_cmdlist,
				   record_issue);
	return 0;
}

static void nested_test_exit(struct kunit *test)
{
	struct nested_test *t = test->priv;

	free_domain(t->nested);
	free_domain(t->other_nested);
	xa_destroy(&t->vsmmu.core.vdevs);
}

static const struct {
	const char *what;
	u64 in[2];
	u64 out[2];
} ste_accepted[] = {
	{ "V=0 ignores the rest",
	  { STE0(STRTAB_STE_0_CFG_S2_TRANS) & ~STRTAB_STE_0_V, ~0ULL },
	  { 0, 0 } },
	{ "abort",
	  { STE0(STRTAB_STE_0_CFG_ABORT), 0 },
	  { STE0(STRTAB_STE_0_CFG_ABORT), 0 } },
	{ "abort drops S1 fields and EATS",
	  { STE0(STRTAB_STE_0_CFG_ABORT) | CDPTR | CDMAX(4),
	    S1DSS(1) | EATS(STRTAB_STE_1_EATS_TRANS) },
	  { STE0(STRTAB_STE_0_CFG_ABORT), 0 } },
	{ "bypass keeps EATS",
	  { STE0(STRTAB_STE_0_CFG_BYPASS) | CDPTR,
	    S1DSS(2) | EATS(STRTAB_STE_1_EATS_TRANS) },
	  { STE0(STRTAB_STE_0_CFG_BYPASS), EATS(STRTAB_STE_1_EATS_TRANS) } },
	{ "S1, linear CD table",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS) | CDPTR, 0 },
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS) | CDPTR, 0 } },
	{ "S1, 4K leaves, S1DSS bypass, ATS",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS) | CDPTR | CDMAX(8) | S1FMT(1),
	    S1DSS(1) | EATS(STRTAB_STE_1_EATS_TRANS) },
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS) | CDPTR | CDMAX(8) | S1FMT(1),
	    S1DSS(1) | EATS(STRTAB_STE_1_EATS_TRANS) } },
	{ "S1, 64K leaves, all SSIDs, S1DSS SSID0",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS) | CDPTR | CDMAX(20) | S1FMT(2),
	    S1DSS(2) },
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS) | CDPTR | CDMAX(20) | S1FMT(2),
	    S1DSS(2) } },
};

static void nested_test_ste_accepted(struct kunit *test)
{
	struct nested_test *t = test->priv;
	struct arm_smmu_nested_domain *nested;
	struct iommu_domain *domain;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(ste_accepted); i++) {
		domain = alloc_nested(test, ste_accepted[i].in[0],
				      ste_accepted[i].in[1]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, domain, "%s",
						 ste_accepted[i].what);
		nested = to_smmu_nested_domain(domain);
		KUNIT_EXPECT_EQ_MSG(test, domain->type, IOMMU_DOMAIN_NESTED,
				    "%s", ste_accepted[i].what);
		KUNIT_EXPECT_PTR_EQ(test, nested->s2_parent, &t->s2);
		KUNIT_EXPECT_EQ_MSG(test, le64_to_cpu(nested->ste[0]),
				    ste_accepted[i].out[0], "%s",
				    ste_accepted[i].what);
		KUNIT_EXPECT_EQ_MSG(test, le64_to_cpu(nested->ste[1]),
				    ste_accepted[i].out[1], "%s",
				    ste_accepted[i].what);
		free_domain(domain);
	}
}

static const struct {
	const char *what;
	u64 ste[2];
	u32 clear_features;
} ste_rejected[] = {
	{ "Config S2 translate",
	  { STE0(STRTAB_STE_0_CFG_S2_TRANS), 0 } },
	{ "Config S1 + S2",
	  { STE0(STRTAB_STE_0_CFG_NESTED), 0 } },
	{ "Config reserved",
	  { STE0(1), 0 } },
	{ "word 0 bit 52",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS) | BIT_ULL(52), 0 } },
	{ "word 0 bit 58",
	  { STE0(STRTAB_STE_0_CFG_ABORT) | BIT_ULL(58), 0 } },
	{ "S1CIR",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS),
	    FIELD_PREP_CONST(STRTAB_STE_1_S1CIR, 1) } },
	{ "S1COR",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS),
	    FIELD_PREP_CONST(STRTAB_STE_1_S1COR, 1) } },
	{ "S1CSH",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS),
	    FIELD_PREP_CONST(STRTAB_STE_1_S1CSH, 3) } },
	{ "S1STALLD",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS), STRTAB_STE_1_S1STALLD } },
	{ "STRW",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS),
	    FIELD_PREP_CONST(STRTAB_STE_1_STRW, STRTAB_STE_1_STRW_EL2) } },
	{ "SHCFG",
	  { STE0(STRTAB_STE_0_CFG_BYPASS),
	    FIELD_PREP_CONST(STRTAB_STE_1_SHCFG, 1) } },
	{ "word 1 bit 63",
	  { STE0(STRTAB_STE_0_CFG_ABORT), BIT_ULL(63) } },
	{ "EATS split stage",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS), EATS(STRTAB_STE_1_EATS_S1CHK) } },
	{ "EATS reserved",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS),
	    EATS(STRTAB_STE_1_EATS_RESERVED) } },
	{ "EATS without ATS",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS), EATS(STRTAB_STE_1_EATS_TRANS) },
	  ARM_SMMU_FEAT_ATS },
	{ "S1Fmt reserved",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS) | S1FMT(3), 0 } },
	{ "S1Fmt 2-level without CD2L",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS) | S1FMT(2) | CDMAX(8), 0 },
	  ARM_SMMU_FEAT_2_LVL_CDTAB },
	{ "S1CDMax above SSIDSIZE",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS) | CDMAX(21), 0 } },
	{ "S1DSS reserved",
	  { STE0(STRTAB_STE_0_CFG_S1_TRANS),
	    S1DSS(STRTAB_STE_1_S1DSS_RESERVED) } },
};

static void nested_test_ste_rejected(struct kunit *test)
{
	struct nested_test *t = test->priv;
	struct iommu_domain *domain;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(ste_rejected); i++) {
		t->smmu.features = FEATURES & ~ste_rejected[i].clear_features;
		domain = alloc_nested(test, ste_rejected[i].ste[0],
				      ste_rejected[i].ste[1]);
		KUNIT_EXPECT_TRUE_MSG(test, IS_ERR(domain), "%s",
				      ste_rejected[i].what);
		if (!IS_ERR(domain)) {
			free_domain(domain);
			continue;
		}
		/* The guest's error: the VMM raises C_BAD_STE */
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(domain), -EIO, "%s",
				    ste_rejected[i].what);
	}
}

/* A device whose IOMMU data is the test's master */
static struct device *master_dev(struct kunit *test)
{
	struct nested_test *t = test->priv;
	struct dev_iommu *param;
	struct device *dev;

	param = kunit_kzalloc(test, sizeof(*param), GFP_KERNEL);
	dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, param);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	param->priv = &t->master;
	dev->iommu = param;
	return dev;
}

/*
 * An SMMU with stage 1 only, such as the SMMUv3 of QEMU 7.2, refuses a
 * nesting parent before allocating anything.
 */
static void nested_test_no_nest_parent(struct kunit *test)
{
	struct nested_test *t = test->priv;
	u32 flags = IOMMU_HWPT_ALLOC_NEST_PARENT;
	struct iommu_domain *domain;
	struct device *dev = master_dev(test);

	t->smmu.features = ARM_SMMU_FEAT_TRANS_S1 | ARM_SMMU_FEAT_2_LVL_CDTAB;
	domain = arm_smmu_domain_alloc_user(dev, flags, NULL, NULL);
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, PTR_ERR(domain));
	/* Stage 2 without nesting (no stage 1) is refused the same way */
	t->smmu.features = ARM_SMMU_FEAT_TRANS_S2;
	domain = arm_smmu_domain_alloc_user(dev, flags, NULL, NULL);
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, PTR_ERR(domain));
}

/*
 * Without S2FWB a guest's stage 1 could make the device's DMA non-cacheable,
 * so a nesting parent is refused unless the unsafe module parameter allows
 * it.
 */
static void nested_test_nest_parent_needs_s2fwb(struct kunit *test)
{
	struct nested_test *t = test->priv;
	bool unsafe = arm_smmu_nesting_without_s2fwb;
	struct iommu_domain *domain;
	struct device *dev = master_dev(test);

	arm_smmu_nesting_without_s2fwb = false;
	t->smmu.features = FEATURES;
	domain = arm_smmu_domain_alloc_user(dev, IOMMU_HWPT_ALLOC_NEST_PARENT,
					    NULL, NULL);
	arm_smmu_nesting_without_s2fwb = unsafe;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, PTR_ERR(domain));
}

/* STE.S2FWB is bit 89 of the STE, bit 25 of its second word */
#define STE_S2FWB_BIT89	BIT_ULL(89 - 64)

/* Every stage-2 STE, nested ones too, has S2FWB when the SMMU has it */
static void nested_test_s2fwb_ste(struct kunit *test)
{
	struct nested_test *t = test->priv;
	struct arm_smmu_nested_domain *nested = to_smmu_nested_domain(t->nested);
	struct arm_smmu_ste ste;

	arm_smmu_make_s2_domain_ste(&ste, &t->master, &t->s2, false);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(ste.data[1]) & STE_S2FWB_BIT89, 0);
	arm_smmu_make_nested_ste(&ste, &t->master, nested, false);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(ste.data[1]) & STE_S2FWB_BIT89, 0);

	t->smmu.features = FEATURES | ARM_SMMU_FEAT_S2FWB;
	arm_smmu_make_s2_domain_ste(&ste, &t->master, &t->s2, false);
	KUNIT_EXPECT_NE(test, le64_to_cpu(ste.data[1]) & STE_S2FWB_BIT89, 0);
	arm_smmu_make_nested_ste(&ste, &t->master, nested, false);
	KUNIT_EXPECT_NE(test, le64_to_cpu(ste.data[1]) & STE_S2FWB_BIT89, 0);
}

/* The last-level descriptor of @iova, walked as the SMMU walks stage 2 */
static u64 s2_walk(struct kunit *test, const struct io_pgtable_cfg *cfg,
		   u64 iova)
{
	/* 4K granule: VTCR.SL0 0, 1, 2 start at level 2, 1, 0 */
	int start = 2 - cfg->arm_lpae_s2_cfg.vtcr.sl, level;
	unsigned int ias = 64 - cfg->arm_lpae_s2_cfg.vtcr.tsz;
	u64 *table = phys_to_virt(cfg->arm_lpae_s2_cfg.vttbr);
	u64 pte = 0;

	for (level = start; level <= 3; level++) {
		unsigned int shift = 12 + 9 * (3 - level);
		/* Concatenated tables at the start level resolve all the rest */
		u64 mask = level == start ? GENMASK_ULL(ias - shift - 1, 0) :
					    GENMASK_ULL(8, 0);

		pte = READ_ONCE(table[(iova >> shift) & mask]);
		if (level == 3)
			break;
		/* A table descriptor: bits [1:0] = 0b11 */
		KUNIT_ASSERT_EQ(test, pte & 3, 3);
		table = phys_to_virt(pte & GENMASK_ULL(47, 12));
	}
	KUNIT_ASSERT_EQ(test, pte & 3, 3);
	return pte;
}

/*
 * Stage-2 MemAttr, descriptor bits [5:2]: 0b1111 is Normal Write-Back,
 * 0b0101 Normal Non-cacheable; with FWB, 0b0110 forces Write-Back and
 * 0b0101 is still Non-cacheable.
 */
static void nested_test_s2fwb_pgtable(struct kunit *test)
{
	static const struct {
		unsigned long quirks;
		u64 cached, nc;
	} t[] = {
		{ 0, 0xf, 0x5 },
		{ IO_PGTABLE_QUIRK_ARM_S2FWB, 0x6, 0x5 },
	};
	struct device *dev = kunit_device_register(test, "arm-smmu-v3-s2fwb");
	unsigned int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	for (i = 0; i != ARRAY_SIZE(t); i++) {
		struct io_pgtable_cfg cfg = {
			.quirks = t[i].quirks,
			.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G,
			.ias = 40,
			.oas = 40,
			.coherent_walk = true,
			.iommu_dev = dev,
		};
		struct io_pgtable_ops *ops;
		size_t mapped;

		ops = alloc_io_pgtable_ops(ARM_64_LPAE_S2, &cfg, NULL);
		KUNIT_ASSERT_NOT_NULL(test, ops);
		KUNIT_EXPECT_EQ(test, 0,
				ops->map_pages(ops, SZ_1G, SZ_1G, SZ_4K, 1,
					       IOMMU_READ | IOMMU_WRITE |
					       IOMMU_CACHE, GFP_KERNEL,
					       &mapped));
		KUNIT_EXPECT_EQ(test, 0,
				ops->map_pages(ops, SZ_2G, SZ_2G, SZ_4K, 1,
					       IOMMU_READ | IOMMU_WRITE,
					       GFP_KERNEL, &mapped));
		KUNIT_EXPECT_EQ(test, (s2_walk(test, &cfg, SZ_1G) >> 2) & 0xf,
				t[i].cached);
		KUNIT_EXPECT_EQ(test, (s2_walk(test, &cfg, SZ_2G) >> 2) & 0xf,
				t[i].nc);
		free_io_pgtable_ops(ops);
	}
}

static void nested_test_alloc_errors(struct kunit *test)
{
	struct nested_test *t = test->priv;
	struct iommu_hwpt_arm_smmuv3 arg = {
		.ste = { cpu_to_le64(STE0(STRTAB_STE_0_CFG_ABORT)) },
	};
	struct iommu_user_data user_data = {
		.type = IOMMU_HWPT_DATA_ARM_SMMUV3,
		.uptr = t->umem,
		.len = sizeof(arg),
	};
	struct arm_smmu_device other_smmu = { .features = FEATURES };
	u32 flags = IOMMU_HWPT_ALLOC_NEST_PARENT;

	KUNIT_ASSERT_EQ(test, 0, copy_to_user(t->umem, &arg, sizeof(arg)));
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			PTR_ERR(arm_smmu_nested_domain_alloc(&t->master, flags,
							     &t->s2,
							     &user_data)));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(arm_smmu_nested_domain_alloc(&t->master, 0,
							     &t->s2, NULL)));

	user_data.type = IOMMU_HWPT_DATA_VTD_S1;
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			PTR_ERR(arm_smmu_nested_domain_alloc(&t->master, 0,
							     &t->s2,
							     &user_data)));
	user_data.type = IOMMU_HWPT_DATA_ARM_SMMUV3;

	/* The parent must be a nesting parent S2 of the same SMMU */
	t->s2.nest_parent = false;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(arm_smmu_nested_domain_alloc(&t->master, 0,
							     &t->s2,
							     &user_data)));
	t->s2.nest_parent = true;
	t->s2.smmu = &other_smmu;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(arm_smmu_nested_domain_alloc(&t->master, 0,
							     &t->s2,
							     &user_data)));
	t->s2.smmu = &t->smmu;

	/* An older, shorter struct does not exist: one word is too short */
	user_data.len = sizeof(arg.ste[0]);
	KUNIT_EXPECT_EQ(test, -EINVAL,
			PTR_ERR(arm_smmu_nested_domain_alloc(&t->master, 0,
							     &t->s2,
							     &user_data)));
}

/*
 * The STE is the expected one, and sets no bit that the STE update logic
 * does not know to be used by its Config: it could not be written hitless.
 */
static void expect_ste(struct kunit *test, const struct arm_smmu_ste *ste,
		       const struct arm_smmu_ste *expected, const char *what)
{
	__le64 used[ARRAY_SIZE(ste->data)];
	unsigned int i;

	arm_smmu_get_ste_used(ste->data, used);
	for (i = 0; i != ARRAY_SIZE(ste->data); i++) {
		KUNIT_EXPECT_EQ_MSG(test, le64_to_cpu(ste->data[i]),
				    le64_to_cpu(expected->data[i]),
				    "%s: word %u", what, i);
		KUNIT_EXPECT_EQ_MSG(test, le64_to_cpu(ste->data[i] & ~used[i]),
				    0, "%s: unused bits in word %u", what, i);
	}
}

/*
 * The parent's S2 as the STE field table of the SMMUv3 architecture lays it
 * out for the fixture's io-pgtable config: word 2 S2VMID[15:0] = VMID,
 * S2T0SZ[37:32] = 4, S2TG[47:46] = 2 (16KB), S2PS[50:48] = 1, S2AA64[51],
 * S2PTW[54] and S2R[58]; word 3 S2TTB[51:4] of the VTTBR.
 */
#define EXP_STE2	(0x42ULL | 4ULL << 32 | 2ULL << 46 | 1ULL << 48 |	\
			 1ULL << 51 | 1ULL << 54 | 1ULL << 58)
#define EXP_STE3	0x000dbeefdeadbee0ULL

static void nested_test_combined_ste(struct kunit *test)
{
	struct nested_test *t = test->priv;
	struct arm_smmu_ste ste, expected;
	struct iommu_domain *domain;

	/*
	 * S1 over S2: word 0 V[0], Config[3:1] = 0b111, S1Fmt[5:4] = 2,
	 * S1ContextPtr[51:6] and S1CDMax[63:59] = 8 of the user; word 1
	 * S1DSS[1:0] = 1 of the user, S1CIR[3:2] = S1COR[5:4] = 0b01 (WBRA),
	 * S1CSH[7:6] = 0b11 (inner shareable), MEV[19] and EATS[29:28] = 1.
	 */
	domain = alloc_nested(test, STE0(STRTAB_STE_0_CFG_S1_TRANS) | CDPTR |
			      CDMAX(8) | S1FMT(2),
			      S1DSS(1) | EATS(STRTAB_STE_1_EATS_TRANS));
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, domain);
	arm_smmu_make_nested_ste(&ste, &t->master,
				 to_smmu_nested_domain(domain), true);
	expected = (struct arm_smmu_ste){ .data = {
		cpu_to_le64(0x1ULL | 0x7ULL << 1 | 0x2ULL << 4 | CDPTR |
			    8ULL << 59),
		cpu_to_le64(0x1ULL | 0x1ULL << 2 | 0x1ULL << 4 | 0x3ULL << 6 |
			    1ULL << 19 | 0x1ULL << 28),
		cpu_to_le64(EXP_STE2),
		cpu_to_le64(EXP_STE3),
	} };
	expect_ste(test, &ste, &expected, "S1");

	/*
	 * An SMMU that can stall: S1STALLD[27] keeps a master that must not
	 * stall from doing so; a master that may stall gets S2S[57] instead.
	 */
	t->smmu.features |= ARM_SMMU_FEAT_STALLS;
	arm_smmu_make_nested_ste(&ste, &t->master,
				 to_smmu_nested_domain(domain), true);
	expected.data[1] |= cpu_to_le64(1ULL << 27);
	expect_ste(test, &ste, &expected, "S1, STALLS");
	t->master.stall_enabled = true;
	arm_smmu_make_nested_ste(&ste, &t->master,
				 to_smmu_nested_domain(domain), true);
	expected.data[1] &= ~cpu_to_le64(1ULL << 27);
	expected.data[2] |= cpu_to_le64(1ULL << 57);
	expect_ste(test, &ste, &expected, "S1, STALLS, stalling master");
	t->master.stall_enabled = false;
	t->smmu.features = FEATURES;

/* Without ATS on the master, EATS stays off */
	arm_smmu_make_nested_ste(&ste, &t->master,
				 to_smmu_nested_domain(domain), false);
	KUNIT_EXPECT_EQ(test, FIELD_GET(STRTAB_STE_1_EATS,
					le64_to_cpu(ste.data[1])), 0);
	free_domain(domain);

	/* Bypass: the parent's S2 alone */
	domain = alloc_nested(test, STE0(STRTAB_STE_0_CFG_BYPASS), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, domain);
	arm_smmu_make_nested_ste(&ste, &t->master,
				 to_smmu_nested_domain(domain), false);
	/* Config[3:1] = 0b110, S2 only; nothing set in word 1 */
	expected = (struct arm_smmu_ste){ .data = {
		cpu_to_le64(0x1ULL | 0x6ULL << 1), 0,
		cpu_to_le64(EXP_STE2), cpu_to_le64(EXP_STE3),
	} };
	expect_ste(test, &ste, &expected, "bypass");
	free_domain(domain);

	/* Abort, and V=0: V[0] with Config[3:1] = 0b000, nothing else */
	expected = (struct arm_smmu_ste){ .data = { cpu_to_le64(0x1ULL) } };
	domain = alloc_nested(test, STE0(STRTAB_STE_0_CFG_ABORT), 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, domain);
	arm_smmu_make_nested_ste(&ste, &t->master,
				 to_smmu_nested_domain(domain), false);
	expect_ste(test, &ste, &expected, "abort");
	free_domain(domain);
	domain = alloc_nested(test, STE0(STRTAB_STE_0_CFG_S1_TRANS) & ~1ULL,
			      0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, domain);
	arm_smmu_make_nested_ste(&ste, &t->master,
				 to_smmu_nested_domain(domain), false);
	expect_ste(test, &ste, &expected, "V=0");
	free_domain(domain);
}

/*
 * Run the op on cmds, two words each, laid out in a ring of num slots from
 * *head to tail, or in a linear array of num entries if !ring.
 */
static int invalidate(struct kunit *test, const u64 (*cmds)[2], u32 num,
		      bool ring, u32 *head, u32 tail, u32 *done)
{
	struct nested_test *t = test->priv;
	struct iommu_hwpt_arm_smmuv3_invalidate inv;
	struct iommu_user_data_array array;
	u32 i;
	int rc;

	KUNIT_ASSERT_LE(test, num * sizeof(inv), UMEM_SIZE);
	for (i = 0; i != num; i++) {
		inv.cmd[0] = cpu_to_le64(cmds[i][0]);
		inv.cmd[1] = cpu_to_le64(cmds[i][1]);
		KUNIT_ASSERT_EQ(test, 0, copy_to_user(t->umem + i * sizeof(inv),
						      &inv, sizeof(inv)));
	}
	KUNIT_ASSERT_EQ(test, 0,
			iommu_user_array_init(&array, TYPE, t->umem,
					      sizeof(inv), num,
					      ring ? *head : 0,
					      ring ? tail : num,
					      ring ? IOMMU_USER_ARRAY_RING : 0));
	if (t->via_vsmmu)
		rc = t->vsmmu.core.ops->cache_invalidate(&t->vsmmu.core,
							 &array);
	else
		rc = t->nested->ops->cache_invalidate_user(t->nested, &array);
	*done = iommu_user_array_report(&array, head);
	t->stopped = rc ? 0 : iommu_user_array_stopped(&array);
	return rc;
}

static void expect_queued(struct kunit *test, unsigned int i, u64 c0, u64 c1,
			  const char *what)
{
	struct nested_test *t = test->priv;

	KUNIT_ASSERT_LT_MSG(test, i, t->nr_queued, "%s", what);
	KUNIT_EXPECT_EQ_MSG(test, t->queue[i][0], c0, "%s: word 0", what);
	KUNIT_EXPECT_EQ_MSG(test, t->queue[i][1], c1, "%s: word 1", what);
}

static void expect_call(struct kunit *test, unsigned int i, int n)
{
	struct nested_test *t = test->priv;

	KUNIT_ASSERT_LT(test, i, t->nr_calls);
	KUNIT_EXPECT_EQ_MSG(test, t->calls[i].n, n, "call %u", i);
	KUNIT_EXPECT_TRUE_MSG(test, t->calls[i].sync, "call %u", i);
}

static void reset_queue(struct nested_test *t)
{
	t->nr_queued = 0;
	t->nr_calls = 0;
}

#define VA		0x7f0012345000ULL
#define RANGE0		(FIELD_PREP_CONST(CMDQ_TLBI_0_NUM, 3) |		\
			 FIELD_PREP_CONST(CMDQ_TLBI_0_SCALE, 1))
#define RANGE1		(FIELD_PREP_CONST(CMDQ_TLBI_1_TTL, 2) |		\
			 FIELD_PREP_CONST(CMDQ_TLBI_1_TG, 1))

static const struct {
	const char *what;
	u64 cmd[2];
	u64 queued[2];
} cmd_accepted[] = {
	{ "TLBI_NH_ALL",
	  { OP(TLBI_NH_ALL) | TVMID(7), 0 },
	  { OP(TLBI_NH_ALL) | TVMID(VMID), 0 } },
	{ "TLBI_NH_ASID",
	  { OP(TLBI_NH_ASID) | TASID(0x1234), 0 },
	  { OP(TLBI_NH_ASID) | TASID(0x1234) | TVMID(VMID), 0 } },
	{ "TLBI_NH_VA",
	  { OP(TLBI_NH_VA) | TASID(5) | TVMID(0xffff), VA | CMDQ_TLBI_1_LEAF },
	  { OP(TLBI_NH_VA) | TASID(5) | TVMID(VMID), VA | CMDQ_TLBI_1_LEAF } },
	{ "TLBI_NH_VA, range",
	  { OP(TLBI_NH_VA) | TASID(5) | RANGE0, VA | RANGE1 },
	  { OP(TLBI_NH_VA) | TASID(5) | RANGE0 | TVMID(VMID), VA | RANGE1 } },
	{ "TLBI_NH_VAA, range",
	  { OP(TLBI_NH_VAA) | RANGE0, VA | RANGE1 | CMDQ_TLBI_1_LEAF },
	  { OP(TLBI_NH_VAA) | RANGE0 | TVMID(VMID),
	    VA | RANGE1 | CMDQ_TLBI_1_LEAF } },
	{ "CFGI_CD",
	  { OP(CFGI_CD) | SID(SID_A) | SSID(3), CMDQ_CFGI_1_LEAF },
	  { OP(CFGI_CD) | SID(SID_A) | SSID(3), CMDQ_CFGI_1_LEAF } },
	{ "CFGI_CD_ALL, second stream",
	  { OP(CFGI_CD_ALL) | SID(SID_B), 0 },
	  { OP(CFGI_CD_ALL) | SID(SID_B), 0 } },
	{ "ATC_INV",
	  { OP(ATC_INV) | SID(SID_A), VA | FIELD_PREP_CONST(CMDQ_ATC_1_SIZE, 3) },
	  { OP(ATC_INV) | SID(SID_A), VA | FIELD_PREP_CONST(CMDQ_ATC_1_SIZE, 3) } },
	{ "ATC_INV, SSID, global",
	  { OP(ATC_INV) | SID(SID_A) | CMDQ_0_SSV | SSID(9) | CMDQ_ATC_0_GLOBAL,
	    FIELD_PREP_CONST(CMDQ_ATC_1_SIZE, ATC_INV_SIZE_ALL) },
	  { OP(ATC_INV) | SID(SID_A) | CMDQ_0_SSV | SSID(9) | CMDQ_ATC_0_GLOBAL,
	    FIELD_PREP_CONST(CMDQ_ATC_1_SIZE, ATC_INV_SIZE_ALL) } },
};

static void nested_test_cmd_accepted(struct kunit *test)
{
	struct nested_test *t = test->priv;
	u32 done, head;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(cmd_accepted); i++) {
		reset_queue(t);
		KUNIT_EXPECT_EQ_MSG(test, 0,
				    invalidate(test, &cmd_accepted[i].cmd, 1,
					       false, &head, 0, &done),
				    "%s", cmd_accepted[i].what);
		KUNIT_EXPECT_EQ_MSG(test, done, 1, "%s", cmd_accepted[i].what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_calls, 1, "%s",
				    cmd_accepted[i].what);
		expect_call(test, 0, 1);
		expect_queued(test, 0, cmd_accepted[i].queued[0],
			      cmd_accepted[i].queued[1], cmd_accepted[i].what);
	}
}

/* A run of distinct TLBI_NH_ASID commands */
static u64 (*asid_cmds(struct kunit *test, unsigned int num))[2]
{
	u64 (*cmds)[2] = kunit_kcalloc(test, num, sizeof(*cmds), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, cmds);
	for (i = 0; i != num; i++)
		cmds[i][0] = OP(TLBI_NH_ASID) | FIELD_PREP(CMDQ_TLBI_0_ASID, i + 1);
	return cmds;
}

static void expect_asid_run(struct kunit *test, unsigned int from,
			    unsigned int n, unsigned int first_asid)
{
	unsigned int i;
	u64 c0;

	for (i = 0; i != n; i++) {
		c0 = OP(TLBI_NH_ASID) | TVMID(VMID) |
		     FIELD_PREP(CMDQ_TLBI_0_ASID, first_asid + i);
		expect_queued(test, from + i, c0, 0, "ASID run");
	}
}

static void nested_test_batches(struct kunit *test)
{
	struct nested_test *t = test->priv;
	u64 (*cmds)[2] = asid_cmds(test, 130);
	u32 done, head;

	/* 130 commands: two full batches and the rest, each with a sync */
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, cmds, 130, false, &head, 0,
					    &done));
	KUNIT_EXPECT_EQ(test, done, 130);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 3);
	expect_call(test, 0, BATCH);
	expect_call(test, 1, BATCH);
	expect_call(test, 2, 130 - 2 * BATCH);
	KUNIT_EXPECT_EQ(test, t->nr_queued, 130);
	expect_asid_run(test, 0, 130, 1);

	/* Exactly one batch: no empty call after it */
	reset_queue(t);
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, cmds, BATCH, false, &head,
					    0, &done));
	KUNIT_EXPECT_EQ(test, done, BATCH);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 1);
	expect_call(test, 0, BATCH);

	/* Nothing to do: nothing issued, as when a VMM probes the type */
	reset_queue(t);
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, cmds, 0, false, &head, 0,
					    &done));
	KUNIT_EXPECT_EQ(test, done, 0);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 0);
}

static void nested_test_ring_wrap(struct kunit *test)
{
	struct nested_test *t = test->priv;
	u64 (*cmds)[2] = asid_cmds(test, 128);
	u32 done, head;

	/* 8 slots, from slot 6 over the end to slot 2 */
	head = 6;
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, cmds, 8, true, &head,
					    8 | 3, &done));
	KUNIT_EXPECT_EQ(test, done, 5);
	KUNIT_EXPECT_EQ(test, head, 8 | 3);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 1);
	expect_call(test, 0, 5);
	expect_asid_run(test, 0, 2, 7);
	expect_asid_run(test, 2, 3, 1);

	/* 128 slots, 72 commands from slot 120: wraps inside a batch */
	reset_queue(t);
	head = 128 | 120;
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, cmds, 128, true, &head, 64,
					    &done));
	KUNIT_EXPECT_EQ(test, done, 72);
	KUNIT_EXPECT_EQ(test, head, 64);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 2);
	expect_call(test, 0, BATCH);
	expect_call(test, 1, 72 - BATCH);
	expect_asid_run(test, 0, 8, 121);
	expect_asid_run(test, 8, 64, 1);
}

#define GOOD0	(OP(TLBI_NH_ASID) | TASID(1))
#define GOOD1	(OP(TLBI_NH_ASID) | TASID(2))
#define GOOD3	(OP(TLBI_NH_ASID) | TASID(4))

static const struct {
	const char *what;
	u64 cmd[2];
	int err;
	u32 clear_features;
	bool set_ssid_bits;
	unsigned int ssid_bits;
	bool master_without_ats;
	bool master_without_pasid;
	bool asid8;
} cmd_rejected[] = {
	{ "TLBI_S12_VMALL", { OP(TLBI_S12_VMALL), 0 }, -EIO },
	{ "TLBI_S2_IPA", { OP(TLBI_S2_IPA), VA }, -EIO },
	{ "TLBI_NSNH_ALL", { OP(TLBI_NSNH_ALL), 0 }, -EIO },
	{ "TLBI_EL2_ALL", { OP(TLBI_EL2_ALL), 0 }, -EIO },
	{ "TLBI_EL2_ASID", { OP(TLBI_EL2_ASID) | TASID(1), 0 }, -EIO },
	{ "TLBI_EL2_VA", { OP(TLBI_EL2_VA), VA }, -EIO },
	{ "TLBI_EL3_ALL", { 0x18, 0 }, -EIO },
	{ "opcode 0", { 0, 0 }, -EIO },
	{ "opcode 0xff", { 0xff, 0 }, -EIO },
	{ "CMD_SYNC CS=3", { OP(CMD_SYNC) | SYNC_CS(3), 0 }, -EIO },
	{ "CMD_SYNC bit 8", { OP(CMD_SYNC) | BIT(8), 0 }, -EIO },
	{ "CMD_SYNC bit 28", { OP(CMD_SYNC) | BIT(28), 0 }, -EIO },
	{ "CMD_SYNC MSIADDR[1:0]", { OP(CMD_SYNC) | SYNC_CS(1), 1 }, -EIO },
	{ "CMD_SYNC word 1 bit 52", { OP(CMD_SYNC), BIT_ULL(52) }, -EIO },
	{ "TLBI_NH_ALL with ASID", { OP(TLBI_NH_ALL) | TASID(1), 0 }, -EIO },
	{ "TLBI_NH_ALL word 1", { OP(TLBI_NH_ALL), 1 }, -EIO },
	{ "TLBI_NH_ASID bit 8", { OP(TLBI_NH_ASID) | BIT(8), 0 }, -EIO },
	{ "TLBI_NH_ASID bit 31", { OP(TLBI_NH_ASID) | BIT(31), 0 }, -EIO },
	{ "TLBI_NH_ASID ASID[15:8] with 8-bit ASIDs",
	  { OP(TLBI_NH_ASID) | TASID(0x100), 0 }, -EIO,
	  .asid8 = true },
	{ "TLBI_NH_VA ASID[15:8] with 8-bit ASIDs",
	  { OP(TLBI_NH_VA) | TASID(0x8001), VA }, -EIO, .asid8 = true },
	{ "TLBI_NH_ASID address", { OP(TLBI_NH_ASID), VA }, -EIO },
	{ "TLBI_NH_VA word 1 bit 1", { OP(TLBI_NH_VA), VA | BIT(1) },
	  -EIO },
	{ "TLBI_NH_VA bit 25", { OP(TLBI_NH_VA) | BIT(25), VA }, -EIO },
	{ "TLBI_NH_VAA with ASID", { OP(TLBI_NH_VAA) | TASID(1), VA },
	  -EIO },
	{ "TLBI_NH_VA NUM without RIL",
	  { OP(TLBI_NH_VA) | FIELD_PREP_CONST(CMDQ_TLBI_0_NUM, 1), VA }, -EIO,
	  ARM_SMMU_FEAT_RANGE_INV },
	{ "TLBI_NH_VA SCALE without RIL",
	  { OP(TLBI_NH_VA) | FIELD_PREP_CONST(CMDQ_TLBI_0_SCALE, 1), VA }, -EIO,
	  ARM_SMMU_FEAT_RANGE_INV },
	{ "TLBI_NH_VAA TG without RIL",
	  { OP(TLBI_NH_VAA), VA | FIELD_PREP_CONST(CMDQ_TLBI_1_TG, 1) }, -EIO,
	  ARM_SMMU_FEAT_RANGE_INV },
	{ "TLBI_NH_VAA TTL without RIL",
	  { OP(TLBI_NH_VAA), VA | FIELD_PREP_CONST(CMDQ_TLBI_1_TTL, 1) }, -EIO,
	  ARM_SMMU_FEAT_RANGE_INV },
	{ "CFGI_CD foreign SID", { OP(CFGI_CD) | SID(SID_OTHER), 0 },
	  -EINVAL },
	{ "CFGI_CD unknown SID", { OP(CFGI_CD) | SID(SID_NONE), 0 }, -EINVAL },
	{ "CFGI_CD_ALL foreign SID", { OP(CFGI_CD_ALL) | SID(SID_OTHER), 0 },
	  -EINVAL },
	{ "CFGI_CD SSec", { OP(CFGI_CD) | SID(SID_A) | BIT(10), 0 }, -EIO },
	{ "CFGI_CD bit 11", { OP(CFGI_CD) | SID(SID_A) | BIT(11), 0 },
	  -EIO },
	{ "CFGI_CD_ALL SSec", { OP(CFGI_CD_ALL) | SID(SID_A) | BIT(10), 0 },
	  -EIO },
	{ "CFGI_CD word 1 bit 1", { OP(CFGI_CD) | SID(SID_A), 2 }, -EIO },
	{ "CFGI_CD SSID without substreams",
	  { OP(CFGI_CD) | SID(SID_A) | SSID(1), 0 }, -EIO, 0, true, 0 },
	{ "CFGI_CD SSID above SSIDSIZE",
	  { OP(CFGI_CD) | SID(SID_A) | SSID(16), 0 }, -EIO, 0, true, 4 },
	{ "CFGI_CD_ALL with SSID", { OP(CFGI_CD_ALL) | SID(SID_A) | SSID(1), 0 },
	  -EIO },
	{ "CFGI_CD_ALL leaf", { OP(CFGI_CD_ALL) | SID(SID_A), 1 }, -EIO },
	{ "ATC_INV without ATS", { OP(ATC_INV) | SID(SID_A), VA }, -EIO,
	  ARM_SMMU_FEAT_ATS },
	{ "ATC_INV master without ATS", { OP(ATC_INV) | SID(SID_A), VA },
	  -EINVAL, 0, false, 0, true },
	{ "ATC_INV foreign SID", { OP(ATC_INV) | SID(SID_OTHER), VA },
	  -EINVAL },
	{ "ATC_INV SSID without SSV", { OP(ATC_INV) | SID(SID_A) | SSID(1), VA },
	  -EIO },
	{ "ATC_INV global without SSV",
	  { OP(ATC_INV) | SID(SID_A) | CMDQ_ATC_0_GLOBAL, VA }, -EIO },
	{ "ATC_INV SSV without substreams",
	  { OP(ATC_INV) | SID(SID_A) | CMDQ_0_SSV, VA }, -EIO, 0, true, 0 },
	{ "ATC_INV SSID above the master's SSID size",
	  { OP(ATC_INV) | SID(SID_A) | CMDQ_0_SSV | SSID(0x100), VA },
	  -EINVAL },
	{ "ATC_INV SSV to a function without PASID",
	  { OP(ATC_INV) | SID(SID_A) | CMDQ_0_SSV | SSID(1), VA }, -EINVAL,
	  .master_without_pasid = true },
	{ "ATC_INV size above all",
	  { OP(ATC_INV) | SID(SID_A), FIELD_PREP_CONST(CMDQ_ATC_1_SIZE, 53) },
	  -EIO },
	{ "ATC_INV word 1 bit 6", { OP(ATC_INV) | SID(SID_A), BIT(6) },
	  -EIO },
	{ "ATC_INV bit 8", { OP(ATC_INV) | SID(SID_A) | BIT(8), VA }, -EIO },
};

/* Lay four commands out in a ring of four slots from slot 3 */
static void ring_from_slot3(u64 ring[4][2], u64 cmds[4][2])
{
	unsigned int i;

	for (i = 0; i != 4; i++)
		memcpy(ring[(3 + i) % 4], cmds[i], sizeof(ring[0]));
}

static void nested_test_cmd_rejected(struct kunit *test)
{
	struct nested_test *t = test->priv;
	u64 cmds[4][2] = { { GOOD0 }, { GOOD1 }, { 0 }, { GOOD3 } };
	u64 ring[4][2];
	u32 done, head;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(cmd_rejected); i++) {
		const char *what = cmd_rejected[i].what;

		t->smmu.features = FEATURES & ~cmd_rejected[i].clear_features;
		t->smmu.ssid_bits = cmd_rejected[i].set_ssid_bits ?
				    cmd_rejected[i].ssid_bits : 20;
		t->master.ats_enabled = !cmd_rejected[i].master_without_ats;
		t->master.ssid_bits = cmd_rejected[i].master_without_pasid ?
				      0 : 8;
		t->smmu.asid_bits = cmd_rejected[i].asid8 ? 8 : 16;

		/* Linear: the two before it are issued, none after it */
		cmds[2][0] = cmd_rejected[i].cmd[0];
		cmds[2][1] = cmd_rejected[i].cmd[1];
		reset_queue(t);
		KUNIT_EXPECT_EQ_MSG(test, cmd_rejected[i].err,
				    invalidate(test, cmds, 4, false, &head, 0,
					       &done), "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, done, 2, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_calls, 1, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_queued, 2, "%s", what);
		expect_call(test, 0, 2);
		expect_asid_run(test, 0, 2, 1);

		/* Ring from slot 3: the head comes back naming slot 1 */
		ring_from_slot3(ring, cmds);
		reset_queue(t);
		head = 4 | 3;
		KUNIT_EXPECT_EQ_MSG(test, cmd_rejected[i].err,
				    invalidate(test, ring, 4, true, &head, 3,
					       &done), "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, done, 2, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, head, 1, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_queued, 2, "%s", what);
		expect_asid_run(test, 0, 2, 1);

		/* First in line: nothing reaches the queue */
		reset_queue(t);
		KUNIT_EXPECT_EQ_MSG(test, cmd_rejected[i].err,
				    invalidate(test, &cmds[2], 2, false, &head,
					       0, &done), "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, done, 0, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_calls, 0, "%s", what);
	}
}

static void nested_test_bad_cmd_after_batch(struct kunit *test)
{
	struct nested_test *t = test->priv;
	u64 (*cmds)[2] = asid_cmds(test, 100);
	u32 done, head;

	/* A full batch goes out, then the 7 before the bad one */
	cmds[BATCH + 7][0] = OP(TLBI_S12_VMALL);
	KUNIT_EXPECT_EQ(test, -EIO, invalidate(test, cmds, 100, false, &head, 0,
					       &done));
	KUNIT_EXPECT_EQ(test, done, BATCH + 7);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 2);
	expect_call(test, 0, BATCH);
	expect_call(test, 1, 7);
	KUNIT_EXPECT_EQ(test, t->nr_queued, BATCH + 7);
	expect_asid_run(test, 0, BATCH + 7, 1);
}

/* Commands on state the VMM keeps; their fields are the VMM's to check */
static const struct {
	const char *what;
	u64 cmd[2];
} cmd_handed_back[] = {
	{ "PREFETCH_CONFIG", { OP(PREFETCH_CFG) | SID(SID_A), 0 } },
	{ "PREFETCH_ADDR", { 0x2 | SID(SID_A), VA } },
	{ "CFGI_STE", { OP(CFGI_STE) | SID(SID_A), CMDQ_CFGI_1_LEAF } },
	{ "CFGI_STE of no master", { OP(CFGI_STE) | SID(SID_NONE), 0 } },
	{ "CFGI_STE_RANGE", { OP(CFGI_ALL) | SID(SID_A), 4 } },
	{ "CFGI_ALL", { OP(CFGI_ALL), 31 } },
	{ "PRI_RESP", { OP(PRI_RESP) | SID(SID_A), 0 } },
	{ "RESUME", { OP(RESUME) | SID(SID_A), 0x1234 } },
	{ "STALL_TERM", { 0x45 | SID(SID_A), 0 } },
};

static void nested_test_cmd_handed_back(struct kunit *test)
{
	struct nested_test *t = test->priv;
	u64 cmds[4][2] = { { GOOD0 }, { GOOD1 }, { 0 }, { GOOD3 } };
	u64 ring[4][2];
	u32 done, head;
	unsigned int i;

	for (i = 0; i != ARRAY_SIZE(cmd_handed_back); i++) {
		const char *what = cmd_handed_back[i].what;

		/* Linear: the two before it are issued, then the stop */
		memcpy(cmds[2], cmd_handed_back[i].cmd, sizeof(cmds[2]));
		reset_queue(t);
		KUNIT_EXPECT_EQ_MSG(test, 0,
				    invalidate(test, cmds, 4, false, &head, 0,
					       &done), "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, done, 2, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->stopped,
				    IOMMU_USER_ARRAY_STOP_HANDBACK, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_calls, 1, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_queued, 2, "%s", what);
		expect_asid_run(test, 0, 2, 1);

		/* Ring from slot 3: the head comes back naming slot 1 */
		ring_from_slot3(ring, cmds);
		reset_queue(t);
		head = 4 | 3;
		KUNIT_EXPECT_EQ_MSG(test, 0,
				    invalidate(test, ring, 4, true, &head, 3,
					       &done), "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, head, 1, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->stopped,
				    IOMMU_USER_ARRAY_STOP_HANDBACK, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_queued, 2, "%s", what);

		/* The VMM resumes after it: the last command goes out */
		reset_queue(t);
		head = 2;
		KUNIT_EXPECT_EQ_MSG(test, 0,
				    invalidate(test, ring, 4, true, &head, 3,
					       &done), "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, head, 3, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->stopped, 0, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_queued, 1, "%s", what);
		expect_queued(test, 0, GOOD3 | TVMID(VMID), 0, what);

		/* First in line: nothing handled, nothing issued */
		reset_queue(t);
		KUNIT_EXPECT_EQ_MSG(test, 0,
				    invalidate(test, &cmds[2], 2, false, &head,
					       0, &done), "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, done, 0, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->stopped,
				    IOMMU_USER_ARRAY_STOP_HANDBACK, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_calls, 0, "%s", what);
	}
}

#define MSIADDR		0x8000a040ULL
#define SYNC_NONE	(OP(CMD_SYNC) | SYNC_CS(CMDQ_SYNC_0_CS_NONE))
#define SYNC_SEV	(OP(CMD_SYNC) | SYNC_CS(CMDQ_SYNC_0_CS_SEV))
#define SYNC_IRQ	(OP(CMD_SYNC) | SYNC_CS(CMDQ_SYNC_0_CS_IRQ) |	\
			 FIELD_PREP_CONST(CMDQ_SYNC_0_MSH, ARM_SMMU_SH_ISH) | \
			 FIELD_PREP_CONST(CMDQ_SYNC_0_MSIATTR,		\
					  ARM_SMMU_MEMATTR_OIWB) |	\
			 FIELD_PREP_CONST(CMDQ_SYNC_0_MSIDATA, 0xabcd))

static void nested_test_cmd_sync(struct kunit *test)
{
	struct nested_test *t = test->priv;
	u64 quiet[5][2] = { { GOOD0 }, { SYNC_NONE }, { GOOD1 }, { SYNC_SEV },
			    { SYNC_NONE } };
	u64 irq[3][2] = { { GOOD0 }, { SYNC_IRQ, MSIADDR }, { GOOD1 } };
	u64 (*cmds)[2] = asid_cmds(test, 128);
	u32 done, head;
	unsigned int i, n;

	/* SIG_NONE and SIG_SEV: consumed, the host's CMD_SYNC serves them */
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, quiet, 5, false, &head, 0,
					    &done));
	KUNIT_EXPECT_EQ(test, done, 5);
	KUNIT_EXPECT_EQ(test, t->stopped, 0);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 1);
	expect_call(test, 0, 2);
	KUNIT_EXPECT_EQ(test, t->nr_queued, 2);
	expect_asid_run(test, 0, 2, 1);

	/* SIG_IRQ: the commands before it complete, then the stop after it */
	reset_queue(t);
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, irq, 3, false, &head, 0,
					    &done));
	KUNIT_EXPECT_EQ(test, done, 2);
	KUNIT_EXPECT_EQ(test, t->stopped, IOMMU_USER_ARRAY_STOP_NOTIFY);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 1);
	expect_call(test, 0, 1);
	KUNIT_EXPECT_EQ(test, t->nr_queued, 1);

	/* A CMD_SYNC alone: the commands before it completed in earlier calls */
	reset_queue(t);
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, &irq[1], 1, false, &head, 0,
					    &done));
	KUNIT_EXPECT_EQ(test, done, 1);
	KUNIT_EXPECT_EQ(test, t->stopped, IOMMU_USER_ARRAY_STOP_NOTIFY);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 0);
	reset_queue(t);
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, &quiet[1], 1, false, &head,
					    0, &done));
	KUNIT_EXPECT_EQ(test, done, 1);
	KUNIT_EXPECT_EQ(test, t->stopped, 0);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 0);

	/* A bad command after a CMD_SYNC: the CMD_SYNC still counts */
	reset_queue(t);
	quiet[2][0] = OP(TLBI_NSNH_ALL);
	KUNIT_EXPECT_EQ(test, -EIO, invalidate(test, quiet, 5, false, &head, 0,
					       &done));
	KUNIT_EXPECT_EQ(test, done, 2);
	KUNIT_EXPECT_EQ(test, t->nr_queued, 1);

	/* A SIG_IRQ CMD_SYNC first in the second batch: the stop after it */
	reset_queue(t);
	cmds[BATCH][0] = SYNC_IRQ;
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, cmds, 100, false, &head, 0,
					    &done));
	KUNIT_EXPECT_EQ(test, done, BATCH + 1);
	KUNIT_EXPECT_EQ(test, t->stopped, IOMMU_USER_ARRAY_STOP_NOTIFY);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 1);
	expect_call(test, 0, BATCH);

	/*
	 * A ring of 128 slots from slot 100, 120 commands with a SIG_NONE
	 * CMD_SYNC every 16th, as Linux guests batch: one call handles all,
	 * and the host queue gets every other command in order.
	 */
	cmds = asid_cmds(test, 128);
	for (i = 15; i < 128; i += 16)
		cmds[(100 + i) % 128][0] = SYNC_NONE;
	reset_queue(t);
	head = 100;
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, cmds, 128, true, &head,
					    128 | 92, &done));
	KUNIT_EXPECT_EQ(test, done, 120);
	KUNIT_EXPECT_EQ(test, head, 128 | 92);
	KUNIT_EXPECT_EQ(test, t->stopped, 0);
	KUNIT_EXPECT_EQ(test, t->nr_queued, 120 - 120 / 16);
	for (i = 0, n = 0; i != 120; i++) {
		u64 c0 = cmds[(100 + i) % 128][0];

		if (c0 == SYNC_NONE)
			continue;
		expect_queued(test, n++, c0 | TVMID(VMID), 0, "ring with syncs");
	}
	for (i = 0; i != t->nr_calls && i != MAX_CALLS; i++)
		KUNIT_EXPECT_TRUE(test, t->calls[i].sync);
}

static void nested_test_issue_fails(struct kunit *test)
{
	struct nested_test *t = test->priv;
	u64 (*cmds)[2] = asid_cmds(test, 128);
	u32 done, head;

	/* The second batch times out: only the first counts */
	t->fail_call = 2;
	head = 0;
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, invalidate(test, cmds, 128, true,
						     &head, 100, &done));
	KUNIT_EXPECT_EQ(test, done, BATCH);
	KUNIT_EXPECT_EQ(test, head, BATCH);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 2);

	/*
	 * When the walk stopped at a bad command first, its errno is kept;
	 * the count says that the commands before it did not complete.
	 */
	reset_queue(t);
	t->fail_call = 1;
	cmds[5][0] = OP(TLBI_S2_IPA);
	KUNIT_EXPECT_EQ(test, -EIO, invalidate(test, cmds, 100, false, &head, 0,
					       &done));
	KUNIT_EXPECT_EQ(test, done, 0);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 1);

	/* Nor does a guest CMD_SYNC after commands that did not complete */
	reset_queue(t);
	t->fail_call = 1;
	cmds[5][0] = OP(CMD_SYNC) | SYNC_CS(CMDQ_SYNC_0_CS_IRQ);
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, invalidate(test, cmds, 100, false,
						     &head, 0, &done));
	KUNIT_EXPECT_EQ(test, done, 0);
	KUNIT_EXPECT_EQ(test, t->stopped, 0);
}

/* Take the nested master off the parent, as a detach does */
static void fake_detach(struct nested_test *t)
{
	unsigned long flags;

	spin_lock_irqsave(&t->s2.devices_lock, flags);
	list_del(&t->master_domain.devices_elm);
	spin_unlock_irqrestore(&t->s2.devices_lock, flags);
	t->master.ats_enabled = false;
}

/*
 * The real fetch, after which the master is detached when the test asks:
 * as if user space had stalled the copy until another thread detached it.
 */
static int fetch_then_detach(struct iommu_user_data_array *array,
			     struct iommu_hwpt_arm_smmuv3_invalidate *inv,
			     unsigned int max)
{
	struct nested_test *t = kunit_get_current_test()->priv;
	int ret;

	ret = iommu_user_array_fetch(array, TYPE, inv, max, cmd);
	if (++t->nr_fetches == t->detach_after_fetch)
		fake_detach(t);
	return ret;
}

/*
 * A detach while user space stalls the copy of later commands: an ATC_INV
 * or CFGI command fetched before it must not reach the queue after it. The
 * whole batch is read first, then its StreamIDs are checked and it is
 * issued with arm_smmu_asid_lock held, which attaching holds too.
 */
static void nested_test_detach_during_fetch(struct kunit *test)
{
	struct nested_test *t = test->priv;
	u64 (*cmds)[2] = asid_cmds(test, 40);
	u32 done, head;
	int ret;

	cmds[0][0] = OP(ATC_INV) | SID(SID_A);
	cmds[0][1] = FIELD_PREP_CONST(CMDQ_ATC_1_SIZE, ATC_INV_SIZE_ALL);
	cmds[1][0] = OP(CFGI_CD_ALL) | SID(SID_B);
	kunit_activate_static_stub(test, arm_smmu_nested_fetch,
				   fetch_then_detach);

	/* Detached once the first copy returned: both are refused */
	t->detach_after_fetch = 1;
	KUNIT_EXPECT_EQ(test, -EINVAL, invalidate(test, cmds, 40, false,
						  &head, 0, &done));
	KUNIT_EXPECT_EQ(test, done, 0);
	KUNIT_EXPECT_EQ(test, t->nr_queued, 0);

	/*
	 * Detached once a second copy returned: whatever went out went out
	 * while the master was attached, under the lock.
	 */
	reset_queue(t);
	t->nr_fetches = 0;
	t->detach_after_fetch = 2;
	t->master.ats_enabled = true;
	list_add_tail(&t->master_domain.devices_elm, &t->s2.devices);
	ret = invalidate(test, cmds, 40, false, &head, 0, &done);
	KUNIT_EXPECT_EQ(test, t->nr_fetches, 2);
	KUNIT_EXPECT_EQ(test, t->stale, 0);
	KUNIT_EXPECT_EQ(test, t->unlocked, 0);
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, done, 40);
}

static void nested_test_wrong_type(struct kunit *test)
{
	struct nested_test *t = test->priv;
	struct iommu_user_data_array array;

	KUNIT_ASSERT_EQ(test, 0,
			iommu_user_array_init(&array,
					      IOMMU_HWPT_INVALIDATE_DATA_VTD_S1,
					      t->umem, 16, 1, 0, 1, 0));
	KUNIT_EXPECT_EQ(test, -EINVAL,
			t->nested->ops->cache_invalidate_user(t->nested,
							      &array));
	KUNIT_EXPECT_EQ(test, iommu_user_array_report(&array, NULL), 0);
	KUNIT_EXPECT_EQ(test, t->nr_calls, 0);
}

/*
 * Unmapping from the parent: TLBI_S2_IPA leaves the combined S1+S2 TLB
 * entries alone, so a TLBI_NH_ALL of the parent's VMID must follow, and the
 * ATC of a nested master holds guest S1 addresses, not IPAs, so all of it
 * is invalidated. Layouts from the architecture's command tables:
 * CMD_TLBI_NH_ALL is opcode 0x10 with VMID[47:32]; CMD_ATC_INV is opcode
 * 0x40 with StreamID[63:32] and, in word 1, Size[5:0] = 52 for everything.
 */
static void nested_test_s2_unmap(struct kunit *test)
{
	struct nested_test *t = test->priv;
	const u64 nh_all = 0x10 | (u64)VMID << 32;
	const u32 sids[] = { SID_A, SID_B, SID_OTHER };
	unsigned int i, j, nh = MAX_QUEUED, found;

	t->s2.domain.pgsize_bitmap = SZ_4K | SZ_2M | SZ_1G;
	atomic_set(&t->s2.nr_ats_masters, 2);
	arm_smmu_tlb_inv_range_domain(0x100000, 8 * SZ_4K, SZ_4K, true, &t->s2);

	for (i = 0; i != t->nr_queued; i++) {
		if (t->queue[i][0] == nh_all && !t->queue[i][1]) {
			nh = i;
			break;
		}
	}
	KUNIT_EXPECT_LT_MSG(test, nh, t->nr_queued, "no TLBI_NH_ALL");
	/* The S2 TLBI went out before it, the ATC invalidations after it */
	KUNIT_EXPECT_EQ(test, FIELD_GET(CMDQ_0_OP, t->queue[0][0]),
			CMDQ_OP_TLBI_S2_IPA);
	for (j = 0; j != ARRAY_SIZE(sids); j++) {
		found = 0;
		for (i = 0; i != t->nr_queued; i++) {
			if (t->queue[i][0] != (0x40 | (u64)sids[j] << 32))
				continue;
			KUNIT_EXPECT_EQ_MSG(test, t->queue[i][1], 52,
					    "ATC_INV of SID %#x", sids[j]);
			KUNIT_EXPECT_GT_MSG(test, i, nh, "ATC_INV of SID %#x",
					    sids[j]);
			found++;
		}
		KUNIT_EXPECT_EQ_MSG(test, found, 1, "ATC_INV of SID %#x",
				    sids[j]);
	}
	for (i = 0; i != t->nr_calls && i != MAX_CALLS; i++)
		KUNIT_EXPECT_TRUE_MSG(test, t->calls[i].sync, "call %u", i);
}

/*
 * IOMMU_GET_HW_INFO reports the ID registers, with the features the host
 * does not use cleared: IDR0.ATS (bit 10) and IDR3.RIL (bit 10).
 */
static void nested_test_hw_info(struct kunit *test)
{
	struct nested_test *t = test->priv;
	struct iommu_hw_info_arm_smmuv3 *info;
	struct dev_iommu *param;
	struct device *dev;
	u32 *regs, len, type;

	regs = kunit_kzalloc(test, 0x20, GFP_KERNEL);
	param = kunit_kzalloc(test, sizeof(*param), GFP_KERNEL);
	dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, regs);
	KUNIT_ASSERT_NOT_NULL(test, param);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	param->priv = &t->master;
	dev->iommu = param;
	t->smmu.base = (void __iomem *)regs;
	regs[0] = 0x0fef7fff;	/* IDR0, ATS among others */
	regs[1] = 0x12345678;	/* IDR1 */
	regs[3] = 0x00000fff;	/* IDR3, RIL among others */
	regs[5] = 0x00000075;	/* IDR5 */
	regs[6] = 0x0000143b;	/* IIDR */
	regs[7] = 0x00000002;	/* AIDR */

	/* Both features in use: the registers as they are */
	info = arm_smmu_hw_info(dev, &len, &type);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, info);
	KUNIT_EXPECT_EQ(test, len, sizeof(*info));
	KUNIT_EXPECT_EQ(test, type, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
	KUNIT_EXPECT_EQ(test, info->idr[0], 0x0fef7fff);
	KUNIT_EXPECT_EQ(test, info->idr[1], 0x12345678);
	KUNIT_EXPECT_EQ(test, info->idr[3], 0x00000fff);
	KUNIT_EXPECT_EQ(test, info->idr[5], 0x00000075);
	KUNIT_EXPECT_EQ(test, info->iidr, 0x0000143b);
	KUNIT_EXPECT_EQ(test, info->aidr, 0x00000002);
	kfree(info);

	/* Neither in use: both cleared, nothing else */
	t->smmu.features &= ~(ARM_SMMU_FEAT_ATS | ARM_SMMU_FEAT_RANGE_INV);
	info = arm_smmu_hw_info(dev, &len, &type);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, info);
	KUNIT_EXPECT_EQ(test, info->idr[0], 0x0fef7bff);
	KUNIT_EXPECT_EQ(test, info->idr[1], 0x12345678);
	KUNIT_EXPECT_EQ(test, info->idr[3], 0x00000bff);
	kfree(info);
	t->smmu.features = FEATURES;
	t->smmu.base = NULL;
}

#define SID_C		0x18	/* a master attached through the real path */

/* A device for a master of the test's SMMU, not PCI, so without ATS */
static struct device *make_dev(struct kunit *test,
			       struct arm_smmu_master *master)
{
	struct iommu_fwspec *fwspec;
	struct dev_iommu *param;
	struct device *dev;

	dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);
	param = kunit_kzalloc(test, sizeof(*param), GFP_KERNEL);
	fwspec = kunit_kzalloc(test, sizeof(*fwspec), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	KUNIT_ASSERT_NOT_NULL(test, param);
	KUNIT_ASSERT_NOT_NULL(test, fwspec);
	param->priv = master;
	param->fwspec = fwspec;
	dev->iommu = param;
	master->dev = dev;
	return dev;
}

/*
 * The real attach, arm_smmu_attach_dev_nested(), on an SMMU with a linear
 * stream table in memory: the STE written, its CFGI_STE, the master on the
 * parent's list, and the refusals. A detach needs an iommu_group, which a
 * test cannot build; the guest's detach_race kselftest covers it.
 */
static void nested_test_attach(struct kunit *test)
{
	struct nested_test *t = test->priv;
	struct arm_smmu_device other_smmu = { .features = FEATURES };
	struct arm_smmu_master_domain *md, *found = NULL;
	struct arm_smmu_stream stream = { .id = SID_C };
	struct arm_smmu_master m = {
		.smmu = &t->smmu, .streams = &stream, .num_streams = 1,
	};
	const u64 cfgi[2] = { OP(CFGI_CD_ALL) | SID(SID_C), 0 };
	struct arm_smmu_ste *strtab, expected;
	struct device *dev = make_dev(test, &m);
	unsigned int i, nr_cfgi_ste = 0;
	u32 done, head;

	strtab = kunit_kcalloc(test, 0x40, sizeof(*strtab), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, strtab);
	t->smmu.strtab_cfg.linear.table = strtab;
	t->smmu.strtab_cfg.linear.num_ents = 0x40;

	/* A CFGI command for it is refused before it is attached */
	KUNIT_EXPECT_EQ(test, -EINVAL, invalidate(test, &cfgi, 1, false, &head,
						  0, &done));

	reset_queue(t);
	KUNIT_ASSERT_EQ(test, 0, t->nested->ops->attach_dev(t->nested, dev));

	/*
	 * The nested STE of the fixture's domain (Config 0b111, the user's
	 * S1ContextPtr; S1CIR, S1COR WBRA, S1CSH ISH, MEV) without EATS, as
	 * the master has no ATS.
	 */
	expected = (struct arm_smmu_ste){ .data = {
		cpu_to_le64(0x1ULL | 0x7ULL << 1 | CDPTR),
		cpu_to_le64(0x1ULL << 2 | 0x1ULL << 4 | 0x3ULL << 6 |
			    1ULL << 19),
		cpu_to_le64(EXP_STE2),
		cpu_to_le64(EXP_STE3),
	} };
	expect_ste(test, &strtab[SID_C], &expected, "attached");
	/* CMD_CFGI_STE: opcode 0x03, StreamID[63:32], Leaf in word 1 */
	for (i = 0; i != t->nr_queued; i++)
		if (t->queue[i][0] == (0x03 | (u64)SID_C << 32) &&
		    t->queue[i][1] == 1)
			nr_cfgi_ste++;
	KUNIT_EXPECT_GE(test, nr_cfgi_ste, 1);

	list_for_each_entry(md, &t->s2.devices, devices_elm)
		if (md->master == &m)
			found = md;
	KUNIT_ASSERT_NOT_NULL(test, found);
	KUNIT_EXPECT_PTR_EQ(test, found->nested, to_smmu_nested_domain(t->nested));
	KUNIT_EXPECT_EQ(test, found->ssid, IOMMU_NO_PASID);
	KUNIT_EXPECT_FALSE(test, m.ats_enabled);

	/* Its StreamID is now one of the domain's */
	reset_queue(t);
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, &cfgi, 1, false, &head, 0,
					    &done));
	KUNIT_EXPECT_EQ(test, done, 1);
	list_del(&found->devices_elm);
	kfree(found);

	/* Host PASIDs in use: the STE cannot point at the guest's CD table */
	memset(&strtab[SID_C], 0, sizeof(strtab[SID_C]));
	m.cd_table.used_ssids = 1;
	KUNIT_EXPECT_EQ(test, -EBUSY, t->nested->ops->attach_dev(t->nested,
								 dev));
	m.cd_table.used_ssids = 0;
	/* A master of another SMMU */
	m.smmu = &other_smmu;
	KUNIT_EXPECT_EQ(test, -EINVAL, t->nested->ops->attach_dev(t->nested,
								  dev));
	m.smmu = &t->smmu;
	memset(&expected, 0, sizeof(expected));
	expect_ste(test, &strtab[SID_C], &expected, "refused");
	list_for_each_entry(md, &t->s2.devices, devices_elm)
		KUNIT_EXPECT_PTR_NE(test, md->master, &m);
	t->smmu.strtab_cfg.linear.table = NULL;
}

static void nested_test_vsmmu_init(struct kunit *test)
{
	struct nested_test *t = test->priv;
	struct iommu_user_data user_data = {
		.type = IOMMU_VIOMMU_TYPE_ARM_SMMUV3,
		.uptr = t->umem,
		.len = 8,
	};
	struct arm_smmu_device *other_smmu;
	struct arm_vsmmu v = {
		.core.iommu_dev = &t->smmu.iommu,
	};

	other_smmu = kunit_kzalloc(test, sizeof(*other_smmu), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, other_smmu);

	KUNIT_EXPECT_PTR_EQ(test, t->vsmmu.s2_parent, &t->s2);
	KUNIT_EXPECT_NOT_NULL(test, t->vsmmu.core.ops);
	KUNIT_EXPECT_NOT_NULL(test, t->vsmmu.core.ops->cache_invalidate);

	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP,
			arm_vsmmu_init(&v.core, &t->s2.domain, &user_data));
	t->s2.nest_parent = false;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			arm_vsmmu_init(&v.core, &t->s2.domain, NULL));
	t->s2.nest_parent = true;
	t->s2.stage = ARM_SMMU_DOMAIN_S1;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			arm_vsmmu_init(&v.core, &t->s2.domain, NULL));
	t->s2.stage = ARM_SMMU_DOMAIN_S2;
	/* A parent on another SMMU than the vIOMMU's */
	v.core.iommu_dev = &other_smmu->iommu;
	KUNIT_EXPECT_EQ(test, -EINVAL,
			arm_vsmmu_init(&v.core, &t->s2.domain, NULL));
	KUNIT_EXPECT_NULL(test, v.core.ops);
}

/* On a vIOMMU the guest's StreamIDs become the host's, the VMID the parent's */
static void nested_test_vsmmu_translates(struct kunit *test)
{
	struct nested_test *t = test->priv;
	const u64 cmds[][2] = {
		{ OP(CFGI_CD) | SID(VSID_OTHER) | SSID(3), CMDQ_CFGI_1_LEAF },
		{ OP(CFGI_CD_ALL) | SID(VSID_OTHER), 0 },
		{ OP(ATC_INV) | SID(VSID_OTHER), VA | 4 },
		{ OP(TLBI_NH_ASID) | TVMID(7) | TASID(5), 0 },
		{ OP(CMD_SYNC) | SYNC_CS(CMDQ_SYNC_0_CS_SEV), 0 },
		{ OP(TLBI_NH_ALL) | TVMID(7), 0 },
	};
	u32 done, head;

	t->via_vsmmu = true;
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, cmds, ARRAY_SIZE(cmds),
					    false, &head, 0, &done));
	KUNIT_EXPECT_EQ(test, done, ARRAY_SIZE(cmds));
	KUNIT_EXPECT_EQ(test, t->stopped, 0);
	KUNIT_EXPECT_EQ(test, t->nr_queued, 5);
	expect_queued(test, 0, OP(CFGI_CD) | SID(SID_OTHER) | SSID(3),
		      CMDQ_CFGI_1_LEAF, "CFGI_CD");
	expect_queued(test, 1, OP(CFGI_CD_ALL) | SID(SID_OTHER), 0,
		      "CFGI_CD_ALL");
	expect_queued(test, 2, OP(ATC_INV) | SID(SID_OTHER), VA | 4,
		      "ATC_INV");
	expect_queued(test, 3, OP(TLBI_NH_ASID) | TVMID(VMID) | TASID(5), 0,
		      "TLBI_NH_ASID");
	expect_queued(test, 4, OP(TLBI_NH_ALL) | TVMID(VMID), 0,
		      "TLBI_NH_ALL");
	KUNIT_EXPECT_EQ(test, t->stale, 0);
	KUNIT_EXPECT_EQ(test, t->unlocked, 0);
}

static const struct {
	const char *what;
	u64 cmd[2];
	bool other_without_ats;
} vsmmu_rejected[] = {
	{ "a virtual StreamID of no device",
	  { OP(CFGI_CD_ALL) | SID(VSID_NONE), 0 } },
	{ "a host StreamID where a virtual one belongs",
	  { OP(CFGI_CD_ALL) | SID(SID_OTHER), 0 } },
	{ "a device with two StreamIDs",
	  { OP(CFGI_CD) | SID(VSID_MASTER), 0 } },
	{ "a device attached to no nested domain",
	  { OP(CFGI_CD_ALL) | SID(VSID_GONE), 0 } },
	{ "ATC_INV to a device without ATS",
	  { OP(ATC_INV) | SID(VSID_OTHER), 0 }, true },
};

/* The guest's mistakes: -EIO, the head at the command, nothing after it */
static void nested_test_vsmmu_rejected(struct kunit *test)
{
	struct nested_test *t = test->priv;
	u64 cmds[3][2] = {
		{ OP(TLBI_NH_ASID) | TASID(1), 0 },
		{ 0 },
		{ OP(TLBI_NH_ASID) | TASID(2), 0 },
	};
	u32 done, head;
	unsigned int i;

	t->via_vsmmu = true;
	for (i = 0; i != ARRAY_SIZE(vsmmu_rejected); i++) {
		const char *what = vsmmu_rejected[i].what;

		t->other.ats_enabled = !vsmmu_rejected[i].other_without_ats;
		cmds[1][0] = vsmmu_rejected[i].cmd[0];
		cmds[1][1] = vsmmu_rejected[i].cmd[1];
		reset_queue(t);
		KUNIT_EXPECT_EQ_MSG(test, -EIO,
				    invalidate(test, cmds, 3, false, &head, 0,
					       &done), "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, done, 1, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_queued, 1, "%s", what);
		expect_queued(test, 0, OP(TLBI_NH_ASID) | TVMID(VMID) |
			      TASID(1), 0, what);

		/* In a ring from slot 1, the head comes back at slot 2 */
		reset_queue(t);
		head = 1;
		{
			u64 ring[4][2] = { { 0 }, { cmds[0][0], cmds[0][1] },
					   { cmds[1][0], cmds[1][1] },
					   { cmds[2][0], cmds[2][1] } };

			KUNIT_EXPECT_EQ_MSG(test, -EIO,
					    invalidate(test, ring, 4, true,
						       &head, 4, &done),
					    "%s", what);
		}
		KUNIT_EXPECT_EQ_MSG(test, head, 2, "%s", what);
		KUNIT_EXPECT_EQ_MSG(test, t->nr_queued, 1, "%s", what);
	}
	KUNIT_EXPECT_EQ(test, t->stale, 0);
}

/* The stops of a guest queue are the same on a vIOMMU */
static void nested_test_vsmmu_stops(struct kunit *test)
{
	struct nested_test *t = test->priv;
	const u64 ring[4][2] = {
		{ OP(CFGI_CD_ALL) | SID(VSID_OTHER), 0 },
		{ OP(CMD_SYNC) | SYNC_CS(CMDQ_SYNC_0_CS_IRQ), 0 },
		{ OP(CFGI_STE) | SID(VSID_OTHER), 0 },
		{ OP(TLBI_NH_ALL), 0 },
	};
	u32 done, head = 6;

	t->via_vsmmu = true;
	/* A full ring from slot 2: CFGI_STE goes back to the VMM */
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, ring, 4, true, &head, 2,
					    &done));
	KUNIT_EXPECT_EQ(test, t->stopped, IOMMU_USER_ARRAY_STOP_HANDBACK);
	KUNIT_EXPECT_EQ(test, head, 6);
	KUNIT_EXPECT_EQ(test, t->nr_queued, 0);

	/* Past it, across the wrap: then the SIG_IRQ sync for the VMM */
	head = 7;
	KUNIT_EXPECT_EQ(test, 0, invalidate(test, ring, 4, true, &head, 2,
					    &done));
	KUNIT_EXPECT_EQ(test, t->stopped, IOMMU_USER_ARRAY_STOP_NOTIFY);
	KUNIT_EXPECT_EQ(test, head, 2);
	KUNIT_EXPECT_EQ(test, t->nr_queued, 2);
	expect_queued(test, 0, OP(TLBI_NH_ALL) | TVMID(VMID), 0, "TLBI");
	expect_queued(test, 1, OP(CFGI_CD_ALL) | SID(SID_OTHER), 0, "CFGI");
}

static struct kunit_case nested_test_cases[] = {
	KUNIT_CASE(nested_test_ste_accepted),
	KUNIT_CASE(nested_test_ste_rejected),
	KUNIT_CASE(nested_test_no_nest_parent),
	KUNIT_CASE(nested_test_nest_parent_needs_s2fwb),
	KUNIT_CASE(nested_test_s2fwb_ste),
	KUNIT_CASE(nested_test_s2fwb_pgtable),
	KUNIT_CASE(nested_test_alloc_errors),
	KUNIT_CASE(nested_test_combined_ste),
	KUNIT_CASE(nested_test_cmd_accepted),
	KUNIT_CASE(nested_test_batches),
	KUNIT_CASE(nested_test_ring_wrap),
	KUNIT_CASE(nested_test_cmd_rejected),
	KUNIT_CASE(nested_test_bad_cmd_after_batch),
	KUNIT_CASE(nested_test_cmd_handed_back),
	KUNIT_CASE(nested_test_cmd_sync),
	KUNIT_CASE(nested_test_issue_fails),
	KUNIT_CASE(nested_test_detach_during_fetch),
	KUNIT_CASE(nested_test_s2_unmap),
	KUNIT_CASE(nested_test_hw_info),
	KUNIT_CASE(nested_test_attach),
	KUNIT_CASE(nested_test_wrong_type),
	KUNIT_CASE(nested_test_vsmmu_init),
	KUNIT_CASE(nested_test_vsmmu_translates),
	KUNIT_CASE(nested_test_vsmmu_rejected),
	KUNIT_CASE(nested_test_vsmmu_stops),
	{}
};

static struct kunit_suite nested_test_suite = {
	.name = "arm-smmu-v3-nested",
	.init = nested_test_init,
	.exit = nested_test_exit,
	.test_cases = nested_test_cases,
};

kunit_test_suite(nested_test_suite);
