// SPDX-License-Identifier: GPL-2.0-only
/*
 * Virtual IOMMUs and their virtual devices: the slice of a physical IOMMU
 * that one VM sees, and the IDs (an SMMUv3 StreamID, say) under which the
 * guest knows each of its devices, so that a driver can take the guest's
 * commands as the guest wrote them.
 */
#include <linux/iommu.h>
#include <linux/iommufd.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "iommufd_private.h"

/* Serialises the link between a vDEVICE and its device's iommufd_device */
static DEFINE_MUTEX(iommufd_vdevice_lock);

void iommufd_viommu_destroy(struct iommufd_object *obj)
{
	struct iommufd_viommu_object *vobj =
		container_of(obj, struct iommufd_viommu_object, obj);
	struct iommufd_viommu *viommu = &vobj->core;

	if (viommu->ops && viommu->ops->destroy)
		viommu->ops->destroy(viommu);
	/* Each vDEVICE holds a reference: none is left */
	WARN_ON(!xa_empty(&viommu->vdevs));
	xa_destroy(&viommu->vdevs);
	refcount_dec(&vobj->hwpt->common.obj.users);
}

int iommufd_viommu_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_viommu_alloc *cmd = ucmd->cmd;
	const struct iommu_user_data user_data = {
		.type = cmd->type,
		.uptr = u64_to_user_ptr(cmd->data_uptr),
		.len = cmd->data_len,
	};
	struct iommufd_viommu_object *vobj;
	struct iommufd_hwpt_paging *hwpt;
	struct iommufd_object *obj;
	const struct iommu_ops *ops;
	struct iommufd_device *idev;
	size_t size;
	int rc;

	if (cmd->flags || cmd->__reserved ||
	    cmd->type == IOMMU_VIOMMU_TYPE_DEFAULT)
		return -EOPNOTSUPP;
	if (!cmd->data_len != !cmd->data_uptr)
		return -EINVAL;

	idev = iommufd_get_device(ucmd, cmd->dev_id);
	if (IS_ERR(idev))
		return PTR_ERR(idev);

	ops = dev_iommu_ops(idev->dev);
	if (!ops->get_viommu_size || !ops->viommu_init) {
		rc = -EOPNOTSUPP;
		goto out_put_idev;
	}
	size = ops->get_viommu_size(idev->dev, cmd->type);
	if (!size) {
		rc = -EOPNOTSUPP;
		goto out_put_idev;
	}
	if (WARN_ON_ONCE(size < sizeof(struct iommufd_viommu))) {
		rc = -EINVAL;
		goto out_put_idev;
	}

	hwpt = iommufd_get_hwpt_paging(ucmd, cmd->hwpt_id);
	if (IS_ERR(hwpt)) {
		rc = PTR_ERR(hwpt);
		goto out_put_idev;
	}
	if (!hwpt->nest_parent || hwpt->common.domain->owner != ops) {
		rc = -EINVAL;
		goto out_put_hwpt;
	}

	size = size_add(offsetof(struct iommufd_viommu_object, core), size);
	obj = _iommufd_object_alloc(ucmd->ictx, size, IOMMUFD_OBJ_VIOMMU);
	if (IS_ERR(obj)) {
		rc = PTR_ERR(obj);
		goto out_put_hwpt;
	}
	vobj = container_of(obj, struct iommufd_viommu_object, obj);
	vobj->ictx = ucmd->ictx;
	vobj->hwpt = hwpt;
	refcount_inc(&hwpt->common.obj.users);
	vobj->core.type = cmd->type;
	vobj->core.iommu_dev = idev->dev->iommu->iommu_dev;
	xa_init(&vobj->core.vdevs);

	rc = ops->viommu_init(&vobj->core, hwpt->common.domain,
			      user_data.len ? &user_data : NULL);
	if (rc)
		goto out_abort;
	if (WARN_ON_ONCE(!vobj->core.ops)) {
		rc = -EINVAL;
		goto out_abort;
	}

	cmd->out_viommu_id = vobj->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_abort;
	iommufd_object_finalize(ucmd->ictx, &vobj->obj);
	goto out_put_hwpt;

out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &vobj->obj);
out_put_hwpt:
	iommufd_put_object(ucmd->ictx, &hwpt->common.obj);
out_put_idev:
	iommufd_put_object(ucmd->ictx, &idev->obj);
	return rc;
}

/* Called with iommufd_vdevice_lock held */
static void iommufd_vdevice_unlink(struct iommufd_vdevice *vdev)
{
	struct iommufd_viommu *viommu = &vdev->viommu->core;

	lockdep_assert_held(&iommufd_vdevice_lock);
	if (!vdev->idev)
		return;
	xa_erase(&viommu->vdevs, vdev->virt_id);
	vdev->idev->vdev = NULL;
	vdev->idev = NULL;
}

void iommufd_vdevice_destroy(struct iommufd_object *obj)
{
	struct iommufd_vdevice *vdev =
		container_of(obj, struct iommufd_vdevice, obj);

	mutex_lock(&iommufd_vdevice_lock);
	iommufd_vdevice_unlink(vdev);
	mutex_unlock(&iommufd_vdevice_lock);
	refcount_dec(&vdev->viommu->obj.users);
}

/**
 * iommufd_device_unlink_vdevice - forget the virtual ID of a device
 * @idev: the device, which is being unbound
 *
 * The vDEVICE object stays for user space to destroy, but no longer names
 * the device, so that a driver cannot find a device that is going away.
 */
void iommufd_device_unlink_vdevice(struct iommufd_device *idev)
{
	mutex_lock(&iommufd_vdevice_lock);
	if (idev->vdev)
		iommufd_vdevice_unlink(idev->vdev);
	mutex_unlock(&iommufd_vdevice_lock);
}

int iommufd_vdevice_alloc_ioctl(struct iommufd_ucmd *ucmd)
{
	struct iommu_vdevice_alloc *cmd = ucmd->cmd;
	struct iommufd_viommu_object *vobj;
	struct iommufd_vdevice *vdev;
	struct iommufd_device *idev;
	int rc;

	/* The IDs of the vIOMMU are xarray indices */
	if (cmd->virt_id > ULONG_MAX)
		return -EINVAL;

	vobj = container_of(iommufd_get_object(ucmd->ictx, cmd->viommu_id,
					       IOMMUFD_OBJ_VIOMMU),
			    struct iommufd_viommu_object, obj);
	if (IS_ERR(vobj))
		return PTR_ERR(vobj);

	idev = iommufd_get_device(ucmd, cmd->dev_id);
	if (IS_ERR(idev)) {
		rc = PTR_ERR(idev);
		goto out_put_viommu;
	}
	if (idev->dev->iommu->iommu_dev != vobj->core.iommu_dev) {
		rc = -EINVAL;
		goto out_put_idev;
	}

	vdev = iommufd_object_alloc(ucmd->ictx, vdev, IOMMUFD_OBJ_VDEVICE);
	if (IS_ERR(vdev)) {
		rc = PTR_ERR(vdev);
		goto out_put_idev;
	}
	vdev->viommu = vobj;
	refcount_inc(&vobj->obj.users);
	vdev->virt_id = cmd->virt_id;

	mutex_lock(&iommufd_vdevice_lock);
	/* One virtual ID per device, one device per virtual ID */
	if (idev->vdev) {
		rc = -EEXIST;
		goto out_unlock;
	}
	rc = xa_insert(&vobj->core.vdevs, vdev->virt_id, idev->dev,
		       GFP_KERNEL);
	if (rc) {
		rc = rc == -EBUSY ? -EEXIST : rc;
		goto out_unlock;
	}
	vdev->idev = idev;
	idev->vdev = vdev;
	mutex_unlock(&iommufd_vdevice_lock);

	cmd->out_vdevice_id = vdev->obj.id;
	rc = iommufd_ucmd_respond(ucmd, sizeof(*cmd));
	if (rc)
		goto out_abort;
	iommufd_object_finalize(ucmd->ictx, &vdev->obj);
	goto out_put_idev;

out_unlock:
	mutex_unlock(&iommufd_vdevice_lock);
out_abort:
	iommufd_object_abort_and_destroy(ucmd->ictx, &vdev->obj);
out_put_idev:
	iommufd_put_object(ucmd->ictx, &idev->obj);
out_put_viommu:
	iommufd_put_object(ucmd->ictx, &vobj->obj);
	return rc;
}
