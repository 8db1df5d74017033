// SPDX-License-Identifier: GPL-2.0-only
/*
 * The only reader of the entry arrays that user space hands to IOMMU drivers,
 * such as the requests of IOMMU_HWPT_INVALIDATE. An array is a linear list of
 * entry_num entries, or a ring of entry_num slots whose head and tail carry a
 * wrap bit above the slot index (the SMMUv3 CMDQ_CONS/CMDQ_PROD layout), so a
 * VMM can pass a guest's command queue as it is.
 *
 * Positions: linear [0, entry_num], head 0, tail entry_num;
 *            ring [0, 2 * entry_num), slot = pos & (entry_num - 1).
 * head is the first entry to handle, tail the one after the last; next is the
 * first entry not yet fetched by the driver, and done counts the entries the
 * driver acknowledged, which are the only ones reported as handled.
 */
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/iommu_user_array.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

static bool is_ring(const struct iommu_user_data_array *array)
{
	return array->flags & IOMMU_USER_ARRAY_RING;
}

static u32 pos_add(const struct iommu_user_data_array *array, u32 pos, u32 n)
{
	if (is_ring(array))
		return (pos + n) & (2 * array->entry_num - 1);
	return pos + n;
}

static u32 pos_sub(const struct iommu_user_data_array *array, u32 to, u32 from)
{
	return __iommu_user_array_dist(array, to, from);
}

static u32 pos_slot(const struct iommu_user_data_array *array, u32 pos)
{
	if (is_ring(array))
		return pos & (array->entry_num - 1);
	return pos;
}

/**
 * iommu_user_array_init - describe an array of entries in user memory
 * @array: the array to fill
 * @type: the data type of every entry
 * @uptr: the user buffer of @entry_num slots of @entry_len bytes each
 * @entry_len: the size of one entry as user space laid it out
 * @entry_num: the number of slots in the buffer
 * @head: the position of the first entry (0 for a linear array)
 * @tail: the position after the last entry (@entry_num for a linear array)
 * @flags: 0 for a linear array, or IOMMU_USER_ARRAY_RING
 *
 * For the iommufd core, which builds the array from a uAPI command before it
 * hands it to a driver.
 *
 * Return: 0, -EOPNOTSUPP for unknown @flags, or -EINVAL for a geometry that
 * is not valid: @entry_len above PAGE_SIZE, @entry_num above
 * IOMMU_USER_ARRAY_MAX_ENTRIES, a ring whose @entry_num is not a power of two
 * or whose positions are out of range or more than @entry_num apart, or
 * entries without a buffer or with a zero @entry_len. An empty array is valid
 * whatever @uptr and @entry_len are, so that user space can probe a type.
 */
int iommu_user_array_init(struct iommu_user_data_array *array,
			  unsigned int type, void __user *uptr,
			  size_t entry_len, u32 entry_num, u32 head, u32 tail,
			  u32 flags)
{
	size_t bytes;

	*array = (struct iommu_user_data_array){
		.type = type,
		.uptr = uptr,
		.entry_len = entry_len,
		.entry_num = entry_num,
		.flags = flags,
	};
	if (flags & ~IOMMU_USER_ARRAY_RING)
		return -EOPNOTSUPP;
	if (entry_len > PAGE_SIZE || entry_num > IOMMU_USER_ARRAY_MAX_ENTRIES)
		return -EINVAL;
	if (is_ring(array)) {
		if (!is_power_of_2(entry_num) || head >= 2 * entry_num ||
		    tail >= 2 * entry_num)
			return -EINVAL;
		array->head = head;
		array->tail = tail;
		if (pos_sub(array, tail, head) > entry_num)
			return -EINVAL;
	} else {
		if (head || tail != entry_num)
			return -EINVAL;
		array->tail = entry_num;
	}
	array->next = array->head;

	if (!iommu_user_array_count(array))
		return 0;
	if (!uptr || !entry_len ||
	    check_mul_overflow(entry_len, (size_t)entry_num, &bytes))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(iommu_user_array_init, IOMMUFD);

/**
 * iommu_user_array_report - what to tell user space after the driver ran
 * @array: the array the driver was given
 * @head: if not NULL, set to the position after the last handled entry,
 *        which is the first entry not handled (wrap bit kept in a ring)
 *
 * Return: the number of entries the driver acknowledged.
 */
u32 iommu_user_array_report(const struct iommu_user_data_array *array,
			    u32 *head)
{
	u32 done = array->done;

	if (WARN_ON(done > iommu_user_array_count(array)))
		done = iommu_user_array_count(array);
	if (head)
		*head = pos_add(array, array->head, done);
	return done;
}
EXPORT_SYMBOL_NS_GPL(iommu_user_array_report, IOMMUFD);

/* One entry alone, converted as copy_struct_from_user() converts a struct */
static int copy_one(const struct iommu_user_data_array *array, void *dst,
		    size_t kdst_len, const void __user *src)
{
	int rc = copy_struct_from_user(dst, kdst_len, src, array->entry_len);

	return rc ? rc : 1;
}

/*
 * Copy up to n entries from the contiguous slots starting at first into dst,
 * which holds n kernel entries of kdst_len bytes, with one copy_from_user().
 * Return the number of whole, valid entries copied, or the error of the first
 * entry if there are none.
 */
static int copy_run(const struct iommu_user_data_array *array, void *dst,
		    size_t kdst_len, u32 first, u32 n)
{
	size_t elen = array->entry_len;
	const void __user *src = array->uptr + array_size(first, elen);
	size_t bytes, left;
	u32 got, i;

	if (elen > kdst_len) {
		/* Room for fewer of the longer user entries */
		n = array_size(n, kdst_len) / elen;
		if (!n)
			return copy_one(array, dst, kdst_len, src);
	}

	bytes = array_size(n, elen);
	left = copy_from_user(dst, src, bytes);
	got = likely(!left) ? n : (bytes - left) / elen;
	if (!got) {
		/*
		 * A copy may stop short of the fault (arm64 copies in chunks):
		 * judge the first entry by a copy of its own, so that the
		 * error names exactly the entry that cannot be read, and a
		 * longer entry fails with -E2BIG before -EFAULT.
		 */
		return copy_one(array, dst, kdst_len, src);
	}

	if (elen > kdst_len) {
		/* Compact in place; a destination never passes its source */
		for (i = 0; i != got; i++) {
			if (memchr_inv(dst + i * elen + kdst_len, 0,
				       elen - kdst_len))
				break;
			memmove(dst + i * kdst_len, dst + i * elen, kdst_len);
		}
		return i ? i : -E2BIG;
	}
	if (elen < kdst_len) {
		/* Spread from the end so no entry is overwritten unread */
		for (i = got; i--;) {
			memmove(dst + i * kdst_len, dst + i * elen, elen);
			memset(dst + i * kdst_len + elen, 0, kdst_len - elen);
		}
	}
	return got;
}

/**
 * __iommu_user_array_fetch - copy the next entries of a user array
 * @array: the array the driver was given
 * @type: the data type the driver expects
 * @kdst: a kernel array of at least @max entries of @kdst_len bytes
 * @kdst_len: the size of the driver's struct
 * @min_len: the size of the driver's struct in its first uAPI version
 * @max: the number of entries @kdst can hold
 *
 * Use iommu_user_array_fetch(), which derives the sizes from the struct.
 *
 * Return: see iommu_user_array_fetch().
 */
int __iommu_user_array_fetch(struct iommu_user_data_array *array,
			     unsigned int type, void *kdst, size_t kdst_len,
			     size_t min_len, u32 max)
{
	u32 copied = 0;
	int rc;

	if (WARN_ON(!kdst || !max || !min_len || min_len > kdst_len))
		return -EINVAL;
	if (array->type != type)
		return -EINVAL;
	max = min(max, pos_sub(array, array->tail, array->next));
	if (!max)
		return 0;
	if (array->entry_len < min_len)
		return -EINVAL;

	/* Between batches; the first follows the ioctl's entry */
	if (array->next != array->head)
		cond_resched();
	/* At most two runs: to the end of the buffer, then from its start */
	while (copied != max) {
		u32 first = pos_slot(array, array->next);
		u32 n = min(max - copied, array->entry_num - first);

		rc = copy_run(array, kdst + array_size(copied, kdst_len),
			      kdst_len, first, n);
		if (rc < 0)
			return copied ? copied : rc;
		copied += rc;
		array->next = pos_add(array, array->next, rc);
		if (rc != n)
			break;
	}
	return copied;
}
EXPORT_SYMBOL_NS_GPL(__iommu_user_array_fetch, IOMMUFD);
