// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nested translation for user space: a guest owns the stage 1, described by
 * the first words of its STE and by its context descriptors, over a stage 2
 * domain of the host. The guest's invalidation commands are checked, given
 * the VMID of the stage 2, and issued on the host's command queue.
 *
 * The invalidation requests are read only through the iterator of
 * include/linux/iommu_user_array.h, see
 * Documentation/driver-api/iommu/user-invalidation.rst.
 */
#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/bitfield.h>
#include <linux/iommu.h>
#include <linux/iommu_user_array.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <uapi/linux/iommufd.h>

#include "arm-smmu-v3.h"

/**
 * arm_smmu_hw_info - report the ID registers to a VMM
 * @dev: a device behind the SMMU
 * @length: set to the size of the returned struct
 * @type: set to IOMMU_HW_INFO_TYPE_ARM_SMMUV3
 *
 * Return: a struct iommu_hw_info_arm_smmuv3 the caller frees, or an
 * ERR_PTR().
 */
void *arm_smmu_hw_info(struct device *dev, u32 *length, u32 *type)
{
	struct arm_smmu_master *master = dev_iommu_priv_get(dev);
	struct arm_smmu_device *smmu = master->smmu;
	struct iommu_hw_info_arm_smmuv3 *info;
	unsigned int i;

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return ERR_PTR(-ENOMEM);

	for (i = 0; i != ARRAY_SIZE(info->idr); i++)
		info->idr[i] = readl_relaxed(smmu->base + ARM_SMMU_IDR0 + i * 4);
	info->iidr = readl_relaxed(smmu->base + ARM_SMMU_IIDR);
	info->aidr = readl_relaxed(smmu->base + ARM_SMMU_AIDR);

	/* The commands of a nested domain are checked against these */
	if (!(smmu->features & ARM_SMMU_FEAT_ATS))
		info->idr[0] &= ~IDR0_ATS;
	if (!(smmu->features & ARM_SMMU_FEAT_RANGE_INV))
		info->idr[3] &= ~IDR3_RIL;

	*length = sizeof(*info);
	*type = IOMMU_HW_INFO_TYPE_ARM_SMMUV3;
	return info;
}

/* The fields of STE words 0 and 1 that belong to the guest */
#define STE0_USER_BITS	(STRTAB_STE_0_V | STRTAB_STE_0_CFG |		\
			 STRTAB_STE_0_S1FMT | STRTAB_STE_0_S1CTXPTR_MASK |	\
			 STRTAB_STE_0_S1CDMAX)
#define STE1_USER_BITS	(STRTAB_STE_1_S1DSS | STRTAB_STE_1_EATS)

/*
 * Check the user STE field by field and keep only what its Config uses.
 * V=0 is an STE the SMMU ignores except for V: it aborts, whatever else it
 * holds, so the rest is dropped rather than checked. A bad field is the
 * guest's error, -EIO, for which the VMM raises C_BAD_STE.
 */
static int arm_smmu_validate_user_ste(struct arm_smmu_device *smmu,
				      __le64 *ste)
{
	u64 ste0 = le64_to_cpu(ste[0]);
	u64 ste1 = le64_to_cpu(ste[1]);
	unsigned int fmt;

	if (!(ste0 & STRTAB_STE_0_V)) {
		ste[0] = 0;
		ste[1] = 0;
		return 0;
	}
	if ((ste0 & ~STE0_USER_BITS) || (ste1 & ~STE1_USER_BITS))
		return -EIO;

	switch (FIELD_GET(STRTAB_STE_1_EATS, ste1)) {
	case STRTAB_STE_1_EATS_ABT:
		break;
	case STRTAB_STE_1_EATS_TRANS:
		if (!(smmu->features & ARM_SMMU_FEAT_ATS))
			return -EIO;
		break;
	default:
		/* Split-stage ATS needs a host S1, and 0b11 is reserved */
		return -EIO;
	}

	switch (FIELD_GET(STRTAB_STE_0_CFG, ste0)) {
	case STRTAB_STE_0_CFG_ABORT:
		ste[0] = cpu_to_le64(ste0 & (STRTAB_STE_0_V | STRTAB_STE_0_CFG));
		ste[1] = 0;
		return 0;
	case STRTAB_STE_0_CFG_BYPASS:
		ste[0] = cpu_to_le64(ste0 & (STRTAB_STE_0_V | STRTAB_STE_0_CFG));
		ste[1] = cpu_to_le64(ste1 & STRTAB_STE_1_EATS);
		return 0;
	case STRTAB_STE_0_CFG_S1_TRANS:
		break;
	default:
		return -EIO;
	}

	if (FIELD_GET(STRTAB_STE_0_S1CDMAX, ste0) > smmu->ssid_bits)
		return -EIO;
	fmt = FIELD_GET(STRTAB_STE_0_S1FMT, ste0);
	if (fmt != STRTAB_STE_0_S1FMT_LINEAR &&
	    (!(smmu->features & ARM_SMMU_FEAT_2_LVL_CDTAB) ||
	     (fmt != STRTAB_STE_0_S1FMT_4K_L2 &&
	      fmt != STRTAB_STE_0_S1FMT_64K_L2)))
		return -EIO;
	if (FIELD_GET(STRTAB_STE_1_S1DSS, ste1) == STRTAB_STE_1_S1DSS_RESERVED)
		return -EIO;
	return 0;
}

static bool arm_smmu_nested_wants_ats(struct arm_smmu_nested_domain *nested)
{
	return FIELD_GET(STRTAB_STE_1_EATS, le64_to_cpu(nested->ste[1])) ==
	       STRTAB_STE_1_EATS_TRANS;
}

/**
 * arm_smmu_make_nested_ste - build the STE of a master in a nested domain
 * @target: the STE to fill
 * @master: the master
 * @nested: the nested domain
 * @ats_enabled: whether ATS is on for the master
 *
 * The user's stage 1 fields over the parent's stage 2 STE, which also
 * carries its VMID. A user bypass STE is the stage 2 alone.
 */
void arm_smmu_make_nested_ste(struct arm_smmu_ste *target,
			      struct arm_smmu_master *master,
			      struct arm_smmu_nested_domain *nested,
			      bool ats_enabled)
{
	u64 ste0 = le64_to_cpu(nested->ste[0]);
	u64 ste1 = le64_to_cpu(nested->ste[1]);
	struct arm_smmu_device *smmu = master->smmu;

	switch (FIELD_GET(STRTAB_STE_0_CFG, ste0)) {
	case STRTAB_STE_0_CFG_S1_TRANS:
		break;
	case STRTAB_STE_0_CFG_BYPASS:
		arm_smmu_make_s2_domain_ste(target, master, nested->s2_parent,
					    ats_enabled);
		return;
	default:
		/* Abort, or an STE with V=0 */
		arm_smmu_make_abort_ste(target);
		return;
	}

	arm_smmu_make_s2_domain_ste(target, master, nested->s2_parent,
				    ats_enabled);
	target->data[0] = cpu_to_le64(STRTAB_STE_0_V |
		FIELD_PREP(STRTAB_STE_0_CFG, STRTAB_STE_0_CFG_NESTED) |
		(ste0 & (STRTAB_STE_0_S1FMT | STRTAB_STE_0_S1CTXPTR_MASK |
			 STRTAB_STE_0_S1CDMAX)));
	/*
	 * The S1 fields the host owns are those of its own CD table STEs.
	 * MEV lets the SMMU merge the events a guest's bad CD pointer or
	 * faulting DMA can raise at a high rate, so that they do not flood
	 * the host's event queue.
	 */
	target->data[1] |= cpu_to_le64((ste1 & STRTAB_STE_1_S1DSS) |
		STRTAB_STE_1_MEV |
		FIELD_PREP(STRTAB_STE_1_S1CIR, STRTAB_STE_1_S1C_CACHE_WBRA) |
		FIELD_PREP(STRTAB_STE_1_S1COR, STRTAB_STE_1_S1C_CACHE_WBRA) |
		FIELD_PREP(STRTAB_STE_1_S1CSH, ARM_SMMU_SH_ISH) |
		((smmu->features & ARM_SMMU_FEAT_STALLS &&
		  !master->stall_enabled) ? STRTAB_STE_1_S1STALLD : 0));
}

static int arm_smmu_attach_dev_nested(struct iommu_domain *domain,
				      struct device *dev)
{
	struct arm_smmu_nested_domain *nested = to_smmu_nested_domain(domain);
	struct arm_smmu_master *master = dev_iommu_priv_get(dev);
	struct arm_smmu_attach_state state = {
		.master = master,
		.old_domain = iommu_get_domain_for_dev(dev),
		.ssid = IOMMU_NO_PASID,
		.disable_ats = !arm_smmu_nested_wants_ats(nested),
	};
	struct arm_smmu_ste ste;
	int ret;

	if (nested->s2_parent->smmu != master->smmu)
		return -EINVAL;
	/* The STE points at the guest's CD table: no room for host PASIDs */
	if (arm_smmu_ssids_in_use(&master->cd_table))
		return -EBUSY;

	mutex_lock(&arm_smmu_asid_lock);
	ret = arm_smmu_attach_prepare(&state, domain);
	if (ret)
		goto out_unlock;

	arm_smmu_make_nested_ste(&ste, master, nested, state.ats_enabled);
	arm_smmu_install_ste_for_dev(master, &ste);
	arm_smmu_clear_cd(master, IOMMU_NO_PASID);
	arm_smmu_attach_commit(&state);
out_unlock:
	mutex_unlock(&arm_smmu_asid_lock);
	return ret;
}

/*
 * Where user commands come from: a nested domain, whose CFGI and ATC
 * commands carry host StreamIDs of its own masters, or a vIOMMU, whose
 * commands carry the virtual StreamIDs of masters in any nested domain over
 * its parent.
 */
struct arm_smmu_user_queue {
	struct arm_smmu_domain *s2_parent;
	struct arm_smmu_nested_domain *nested;
	struct arm_vsmmu *vsmmu;
};

/*
 * Whether *sid names a stream of a master the queue may invalidate, and if
 * so the host StreamID in *sid. A virtual StreamID names a master with one
 * stream: a command for one of several streams would leave the others
 * stale. For an ATC_INV (need_ats) the master must have ATS enabled and,
 * for an SSID (ssv), PASID enabled with room for ssid. The caller holds
 * arm_smmu_asid_lock, which every attach holds from enabling or disabling
 * ATS to updating the device list, so the answer holds until the caller
 * drops it; a device found by its virtual StreamID is only compared, never
 * dereferenced, until it is found on that list.
 */
static bool arm_smmu_user_sid(const struct arm_smmu_user_queue *q, u32 *sid,
			      bool need_ats, bool ssv, u32 ssid)
{
	struct arm_smmu_domain *parent = q->s2_parent;
	struct arm_smmu_master_domain *master_domain;
	struct device *vdev = NULL;
	unsigned long flags;
	bool found = false;
	unsigned int i;

	lockdep_assert_held(&arm_smmu_asid_lock);

	if (q->vsmmu) {
		vdev = iommufd_viommu_find_dev(&q->vsmmu->core, *sid);
		if (!vdev)
			return false;
	}

	spin_lock_irqsave(&parent->devices_lock, flags);
	list_for_each_entry(master_domain, &parent->devices, devices_elm) {
		struct arm_smmu_master *master = master_domain->master;

		if (!master_domain->nested ||
		    (q->nested && master_domain->nested != q->nested))
			continue;
		if (vdev) {
			if (master->dev != vdev)
				continue;
			found = master->num_streams == 1;
			if (found)
				*sid = master->streams[0].id;
		} else {
			for (i = 0; i != master->num_streams && !found; i++)
				found = master->streams[i].id == *sid;
			if (!found)
				continue;
		}
		if (need_ats && (!master->ats_enabled ||
				 (ssv && (!master->ssid_bits ||
					  ssid >> master->ssid_bits))))
			found = false;
		break;
	}
	spin_unlock_irqrestore(&parent->devices_lock, flags);
	return found;
}

/* Opcodes the kernel has no use for, but a guest may send */
#define CMDQ_OP_PREFETCH_ADDR	0x2
#define CMDQ_OP_STALL_TERM	0x45

/* What a user command asks of the host, besides an error */
enum arm_smmu_user_cmd {
	/* A command for the host queue */
	ARM_SMMU_USER_CMD_ISSUE,
	/* A CMD_SYNC the host's own CMD_SYNC completes */
	ARM_SMMU_USER_CMD_SYNC,
	/* A CMD_SYNC whose completion only the VMM can signal */
	ARM_SMMU_USER_CMD_SYNC_VMM,
	/* A command on state the VMM keeps */
	ARM_SMMU_USER_CMD_VMM,
};

/*
 * A guest's CMD_SYNC. Its completion is that of the host's CMD_SYNC after
 * the commands before it; only an MSI write to a guest address (SIG_IRQ) is
 * left to the VMM. SIG_SEV needs no one: the guest also polls CMDQ_CONS.
 */
static int arm_smmu_user_sync(u64 c0, u64 c1)
{
	if ((c0 & ~(CMDQ_0_OP | CMDQ_SYNC_0_CS | CMDQ_SYNC_0_MSH |
		    CMDQ_SYNC_0_MSIATTR | CMDQ_SYNC_0_MSIDATA)) ||
	    (c1 & ~CMDQ_SYNC_1_MSIADDR_MASK))
		return -EIO;
	switch (FIELD_GET(CMDQ_SYNC_0_CS, c0)) {
	case CMDQ_SYNC_0_CS_NONE:
	case CMDQ_SYNC_0_CS_SEV:
		return ARM_SMMU_USER_CMD_SYNC;
	case CMDQ_SYNC_0_CS_IRQ:
		return ARM_SMMU_USER_CMD_SYNC_VMM;
	default:
		return -EIO;
	}
}

/*
 * Check one user command and turn it into the command for the host queue,
 * in CPU byte order; or tell what else it is (enum arm_smmu_user_cmd).
 * Return -EIO for a command the guest got wrong (an opcode a stage 1 SMMU
 * does not have, a bit reserved for the opcode or for the SMMU the VMM
 * reported, a virtual StreamID that names no master able to take it), and
 * -EINVAL for a host StreamID that is not a master of the nested domain
 * able to take it, which the VMM chose. The VMM raises CERROR_ILL for all.
 */
static int arm_smmu_convert_user_cmd(const struct arm_smmu_user_queue *q,
				     const struct iommu_hwpt_arm_smmuv3_invalidate *inv,
				     u64 *cmd)
{
	struct arm_smmu_device *smmu = q->s2_parent->smmu;
	bool range = smmu->features & ARM_SMMU_FEAT_RANGE_INV;
	bool ssids = smmu->ssid_bits;
	/* ASID[15:8] is RES0 without 16-bit ASIDs (SMMU_IDR0.ASID16) */
	u64 asid = CMDQ_TLBI_0_ASID &
		   GENMASK_ULL(__bf_shf(CMDQ_TLBI_0_ASID) + smmu->asid_bits - 1, 0);
	u64 c0 = le64_to_cpu(inv->cmd[0]);
	u64 c1 = le64_to_cpu(inv->cmd[1]);
	u64 ok0 = CMDQ_0_OP, ok1 = 0;
	u8 opcode = FIELD_GET(CMDQ_0_OP, c0);
	bool ssv = false;
	u32 sid;

	/* Which bits each opcode may set; all others are reserved */
	switch (opcode) {
	case CMDQ_OP_TLBI_NH_ALL:
		ok0 |= CMDQ_TLBI_0_VMID;
		break;
	case CMDQ_OP_TLBI_NH_ASID:
		ok0 |= CMDQ_TLBI_0_VMID | asid;
		break;
	case CMDQ_OP_TLBI_NH_VA:
		ok0 |= asid;
		fallthrough;
	case CMDQ_OP_TLBI_NH_VAA:
		ok0 |= CMDQ_TLBI_0_VMID;
		ok1 |= CMDQ_TLBI_1_LEAF | CMDQ_TLBI_1_VA_MASK;
		if (range) {
			ok0 |= CMDQ_TLBI_0_NUM | CMDQ_TLBI_0_SCALE;
			ok1 |= CMDQ_TLBI_1_TTL | CMDQ_TLBI_1_TG;
		}
		break;
	case CMDQ_OP_CFGI_CD:
		ok0 |= CMDQ_CFGI_0_SID | (ssids ? CMDQ_CFGI_0_SSID : 0);
		ok1 |= CMDQ_CFGI_1_LEAF;
		break;
	case CMDQ_OP_CFGI_CD_ALL:
		ok0 |= CMDQ_CFGI_0_SID;
		break;
	case CMDQ_OP_ATC_INV:
		if (!(smmu->features & ARM_SMMU_FEAT_ATS))
			return -EIO;
		ssv = c0 & CMDQ_0_SSV;
		ok0 |= CMDQ_ATC_0_SID;
		/* An SSID, or all of them, only with a substream */
		if (ssids && ssv)
			ok0 |= CMDQ_0_SSV | CMDQ_ATC_0_SSID | CMDQ_ATC_0_GLOBAL;
		ok1 |= CMDQ_ATC_1_SIZE | CMDQ_ATC_1_ADDR_MASK;
		if (FIELD_GET(CMDQ_ATC_1_SIZE, c1) > ATC_INV_SIZE_ALL)
			return -EIO;
		break;
	case CMDQ_OP_CMD_SYNC:
		return arm_smmu_user_sync(c0, c1);
	case CMDQ_OP_PREFETCH_CFG:
	case CMDQ_OP_PREFETCH_ADDR:
	case CMDQ_OP_CFGI_STE:
	case CMDQ_OP_CFGI_ALL:
	case CMDQ_OP_PRI_RESP:
	case CMDQ_OP_RESUME:
	case CMDQ_OP_STALL_TERM:
		/* Of the guest's stream table, faults or stalls: the VMM's */
		return ARM_SMMU_USER_CMD_VMM;
	default:
		/* Stage 2, EL2, EL3 or Secure, or no opcode at all */
		return -EIO;
	}
	if ((c0 & ~ok0) || (c1 & ~ok1))
		return -EIO;

	switch (opcode) {
	case CMDQ_OP_TLBI_NH_ALL:
	case CMDQ_OP_TLBI_NH_ASID:
	case CMDQ_OP_TLBI_NH_VA:
	case CMDQ_OP_TLBI_NH_VAA:
		/* The guest's VMID means nothing to the host */
		c0 &= ~CMDQ_TLBI_0_VMID;
		c0 |= FIELD_PREP(CMDQ_TLBI_0_VMID, q->s2_parent->s2_cfg.vmid);
		break;
	default:
		/* CFGI and ATC_INV share the SID and SSID fields */
		if (FIELD_GET(CMDQ_CFGI_0_SSID, c0) >> smmu->ssid_bits)
			return -EIO;
		sid = FIELD_GET(CMDQ_CFGI_0_SID, c0);
		if (!arm_smmu_user_sid(q, &sid, opcode == CMDQ_OP_ATC_INV, ssv,
				       FIELD_GET(CMDQ_ATC_0_SSID, c0)))
			return q->vsmmu ? -EIO : -EINVAL;
		c0 &= ~CMDQ_CFGI_0_SID;
		c0 |= FIELD_PREP(CMDQ_CFGI_0_SID, sid);
		break;
	}

	cmd[0] = c0;
	cmd[1] = c1;
	return ARM_SMMU_USER_CMD_ISSUE;
}

/* Commands issued at a time; with their CMD_SYNC they fill a batch */
#define ARM_SMMU_NESTED_BATCH	(CMDQ_BATCH_ENTRIES - 1)

/*
 * The user commands of a batch are converted in place: each becomes the
 * host command, in CPU byte order, in the 16 bytes of its own or of an
 * earlier user command, as guest CMD_SYNCs are left out.
 */
union arm_smmu_nested_batch {
	struct iommu_hwpt_arm_smmuv3_invalidate inv[ARM_SMMU_NESTED_BATCH];
	u64 cmds[ARM_SMMU_NESTED_BATCH * CMDQ_ENT_DWORDS];
};

static_assert(sizeof(struct iommu_hwpt_arm_smmuv3_invalidate) ==
	      CMDQ_ENT_DWORDS * sizeof(u64));

VISIBLE_IF_KUNIT
int arm_smmu_nested_fetch(struct iommu_user_data_array *array,
			  struct iommu_hwpt_arm_smmuv3_invalidate *inv,
			  unsigned int max)
{
	KUNIT_STATIC_STUB_REDIRECT(arm_smmu_nested_fetch, array, inv, max);
	return iommu_user_array_fetch(array,
				      IOMMU_HWPT_INVALIDATE_DATA_ARM_SMMUV3,
				      inv, max, cmd);
}
EXPORT_SYMBOL_IF_KUNIT(arm_smmu_nested_fetch);

/*
 * Convert and issue n fetched commands with a CMD_SYNC; once that completed,
 * they count, and so do the guest's CMD_SYNCs among them. The commands
 * before a bad one, or before one for the VMM, are still issued. Return 0
 * to go on, 1 to stop with the reason given to the array, or an errno.
 *
 * The StreamIDs are checked and the commands issued under
 * arm_smmu_asid_lock, so that no master can leave the domain or turn ATS
 * off in between: an ATC_INV to a function whose ATS is off could stall the
 * host's queue. User memory is only read before, so user space cannot hold
 * the lock by stalling a copy.
 */
static int arm_smmu_nested_issue(const struct arm_smmu_user_queue *q,
				 union arm_smmu_nested_batch *batch,
				 unsigned int n,
				 struct iommu_user_data_array *array)
{
	struct arm_smmu_device *smmu = q->s2_parent->smmu;
	unsigned int i, handled, cmds = 0;
	int kind = ARM_SMMU_USER_CMD_ISSUE, rc = 0;

	mutex_lock(&arm_smmu_asid_lock);
	for (i = 0; i != n; i++) {
		kind = arm_smmu_convert_user_cmd(q, &batch->inv[i],
						 &batch->cmds[cmds * CMDQ_ENT_DWORDS]);
		if (kind == ARM_SMMU_USER_CMD_ISSUE)
			cmds++;
		else if (kind != ARM_SMMU_USER_CMD_SYNC)
			break;
	}
	/* A CMD_SYNC for the VMM to signal is done once the host's is */
	handled = i + (kind == ARM_SMMU_USER_CMD_SYNC_VMM);
	if (cmds)
		rc = arm_smmu_cmdq_issue_cmdlist(smmu, &smmu->cmdq, batch->cmds,
						 cmds, true);
	/* Every command before this batch completed with its CMD_SYNC */
	if (!rc)
		iommu_user_array_ack(array, handled);
	mutex_unlock(&arm_smmu_asid_lock);

	/*
	 * A bad command's errno wins: the count already tells that the
	 * commands before it did not complete, and a VMM that resubmits from
	 * the reported head meets the bad one again.
	 */
	if (kind < 0)
		return kind;
	if (rc)
		return rc;
	if (kind == ARM_SMMU_USER_CMD_SYNC_VMM) {
		iommu_user_array_stop(array, IOMMU_USER_ARRAY_STOP_NOTIFY);
		return 1;
	}
	if (kind == ARM_SMMU_USER_CMD_VMM) {
		iommu_user_array_stop(array, IOMMU_USER_ARRAY_STOP_HANDBACK);
		return 1;
	}
	return 0;
}

static int arm_smmu_user_invalidate(const struct arm_smmu_user_queue *q,
				    struct iommu_user_data_array *array)
{
	union arm_smmu_nested_batch *batch;
	int got, ret;

	/* A batch is about 1 KiB, too much for the stack of this path */
	batch = kmalloc(sizeof(*batch), GFP_KERNEL);
	if (!batch)
		return -ENOMEM;

	/* The iterator fills each entry before it is read: no zeroing */
	while ((got = arm_smmu_nested_fetch(array, batch->inv,
					    ARRAY_SIZE(batch->inv))) > 0) {
		ret = arm_smmu_nested_issue(q, batch, got, array);
		if (ret)
			goto out_free_batch;
	}
	ret = got;
out_free_batch:
	kfree(batch);
	/* Stopped for the VMM, which the array tells */
	return ret > 0 ? 0 : ret;
}

static int
arm_smmu_nested_cache_invalidate_user(struct iommu_domain *domain,
				      struct iommu_user_data_array *array)
{
	struct arm_smmu_nested_domain *nested = to_smmu_nested_domain(domain);
	const struct arm_smmu_user_queue q = {
		.s2_parent = nested->s2_parent,
		.nested = nested,
	};

	return arm_smmu_user_invalidate(&q, array);
}

static void arm_smmu_nested_domain_free(struct iommu_domain *domain)
{
	kfree(to_smmu_nested_domain(domain));
}

static const struct iommu_domain_ops arm_smmu_nested_ops = {
	.attach_dev = arm_smmu_attach_dev_nested,
	.cache_invalidate_user = arm_smmu_nested_cache_invalidate_user,
	.free = arm_smmu_nested_domain_free,
};

/**
 * arm_smmu_nested_domain_alloc - allocate a nested domain from a user STE
 * @master: the master the domain is allocated for
 * @flags: IOMMU_HWPT_ALLOC_* flags; none is supported
 * @parent: the stage 2 domain, which must be a nesting parent on the SMMU
 *          of @master
 * @user_data: a struct iommu_hwpt_arm_smmuv3 of type
 *             IOMMU_HWPT_DATA_ARM_SMMUV3
 *
 * Return: the domain, or an ERR_PTR(): -EIO for an STE the SMMU would not
 * take (the guest's error), -EOPNOTSUPP for flags or another data type,
 * -EINVAL for a wrong parent or missing data, -EFAULT or -E2BIG if the data
 * cannot be read, -ENOMEM.
 */
struct iommu_domain *
arm_smmu_nested_domain_alloc(struct arm_smmu_master *master, u32 flags,
			     struct arm_smmu_domain *parent,
			     const struct iommu_user_data *user_data)
{
	struct arm_smmu_nested_domain *nested;
	struct iommu_hwpt_arm_smmuv3 arg;
	int ret;

	if (flags)
		return ERR_PTR(-EOPNOTSUPP);
	if (!user_data)
		return ERR_PTR(-EINVAL);
	if (user_data->type != IOMMU_HWPT_DATA_ARM_SMMUV3)
		return ERR_PTR(-EOPNOTSUPP);
	if (!parent->nest_parent || parent->stage != ARM_SMMU_DOMAIN_S2 ||
	    parent->smmu != master->smmu)
		return ERR_PTR(-EINVAL);

	ret = iommu_copy_struct_from_user(&arg, user_data,
					  IOMMU_HWPT_DATA_ARM_SMMUV3, ste);
	if (ret)
		return ERR_PTR(ret);
	ret = arm_smmu_validate_user_ste(master->smmu, arg.ste);
	if (ret)
		return ERR_PTR(ret);

	nested = kzalloc(sizeof(*nested), GFP_KERNEL_ACCOUNT);
	if (!nested)
		return ERR_PTR(-ENOMEM);

	nested->domain.type = IOMMU_DOMAIN_NESTED;
	nested->domain.ops = &arm_smmu_nested_ops;
	nested->s2_parent = parent;
	memcpy(nested->ste, arg.ste, sizeof(nested->ste));
	return &nested->domain;
}

static int arm_vsmmu_cache_invalidate(struct iommufd_viommu *viommu,
				      struct iommu_user_data_array *array)
{
	struct arm_vsmmu *vsmmu = container_of(viommu, struct arm_vsmmu, core);
	const struct arm_smmu_user_queue q = {
		.s2_parent = vsmmu->s2_parent,
		.vsmmu = vsmmu,
	};

	return arm_smmu_user_invalidate(&q, array);
}

static const struct iommufd_viommu_ops arm_vsmmu_ops = {
	.cache_invalidate = arm_vsmmu_cache_invalidate,
};

/**
 * arm_vsmmu_size - the size of a vIOMMU of the SMMU of a device
 * @dev: a device behind the SMMU
 * @viommu_type: the enum iommu_viommu_type asked for
 *
 * Return: the size of struct arm_vsmmu for IOMMU_VIOMMU_TYPE_ARM_SMMUV3 on
 * an SMMU that can nest, else 0.
 */
size_t arm_vsmmu_size(struct device *dev, u32 viommu_type)
{
	struct arm_smmu_master *master = dev_iommu_priv_get(dev);

	if (viommu_type != IOMMU_VIOMMU_TYPE_ARM_SMMUV3 ||
	    !(master->smmu->features & ARM_SMMU_FEAT_NESTING))
		return 0;
	return VIOMMU_STRUCT_SIZE(struct arm_vsmmu, core);
}

/**
 * arm_vsmmu_init - set up a vIOMMU over a nesting parent
 * @viommu: the vIOMMU, the core of a struct arm_vsmmu
 * @parent_domain: the stage 2, which must be a nesting parent on the SMMU
 *                 of the vIOMMU
 * @user_data: must be NULL: the type has no data
 *
 * Return: 0, -EOPNOTSUPP for data, or -EINVAL for a wrong parent.
 */
int arm_vsmmu_init(struct iommufd_viommu *viommu,
		   struct iommu_domain *parent_domain,
		   const struct iommu_user_data *user_data)
{
	struct arm_vsmmu *vsmmu = container_of(viommu, struct arm_vsmmu, core);
	struct arm_smmu_device *smmu =
		container_of(viommu->iommu_dev, struct arm_smmu_device, iommu);
	struct arm_smmu_domain *parent = to_smmu_domain(parent_domain);

	if (user_data)
		return -EOPNOTSUPP;
	if (!parent->nest_parent || parent->stage != ARM_SMMU_DOMAIN_S2 ||
	    parent->smmu != smmu)
		return -EINVAL;

	vsmmu->s2_parent = parent;
	viommu->ops = &arm_vsmmu_ops;
	return 0;
}

MODULE_IMPORT_NS(IOMMUFD);
