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
 * head is the first entry to handle and count the number of entries from it;
 * fetched counts the entries copied to the driver, and done those the driver
 * acknowledged, which are the only ones reported as handled.
 */
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/iommu_user_array.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "user_array.h"

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
 * __iommu_user_array_init() for tests, which build arrays as the core does.
 *
 * Return: see __iommu_user_array_init().
 */
int iommu_user_array_init(struct iommu_user_data_array *array,
			  unsigned int type, void __user *uptr,
			  size_t entry_len, u32 entry_num, u32 head, u32 tail,
			  u32 flags)
{
	return __iommu_user_array_init(array, type, uptr, entry_len, entry_num,
				       head, tail, flags);
}
EXPORT_SYMBOL_NS_GPL(iommu_user_array_init, IOMMUFD);

/* The slot of the first entry not fetched yet */
static u32 next_slot(const struct iommu_user_data_array *array)
{
	u32 pos = array->head + array->fetched;

	if (array->flags & IOMMU_USER_ARRAY_RING)
		return pos & (array->entry_num - 1);
	return pos;
}

/* One entry alone, converted as copy_struct_from_user() converts a struct */
static int copy_one(const struct iommu_user_data_array *array, void *dst,
		    size_t kdst_len, const void __user *src)
{
	int rc = copy_struct_from_user(dst, kdst_len, src, array->entry_len);

	return rc ? rc : 1;
}

/*
 * Copy up to n user entries longer than the kernel's struct into dst, as many
 * as fit, and compact them in place. Return the number of valid entries
 * copied, or the error of the first entry if there are none.
 */
static noinline int copy_run_longer(const struct iommu_user_data_array *array,
				    void *dst, size_t kdst_len,
				    const void __user *src, u32 n)
{
	size_t elen = array->entry_len;
	size_t bytes;
	u32 got, i;

	n = array_size(n, kdst_len) / elen;
	if (!n)
		return copy_one(array, dst, kdst_len, src);
	bytes = array_size(n, elen);
	got = (bytes - copy_from_user(dst, src, bytes)) / elen;
	if (!got)
		return copy_one(array, dst, kdst_len, src);

	/* A destination never passes its source */
	for (i = 0; i != got; i++) {
		if (memchr_inv(dst + i * elen + kdst_len, 0, elen - kdst_len))
			break;
		memmove(dst + i * kdst_len, dst + i * elen, kdst_len);
	}
	return i ? i : -E2BIG;
}

/* Zero-extend n shorter entries, from the end so none is overwritten unread */
static noinline void spread_shorter(void *dst, size_t elen, size_t kdst_len,
				    u32 n)
{
	while (n--) {
		memmove(dst + n * kdst_len, dst + n * elen, elen);
		memset(dst + n * kdst_len + elen, 0, kdst_len - elen);
	}
}

/*
 * A copy of n entries to dst from src stopped short, left bytes before its
 * end. Return the number of whole entries it copied, or, if there are none,
 * the error of the first entry, judged by a copy of its own: a copy may stop
 * short of the fault (arm64 copies in chunks), and the error must name
 * exactly the entry that cannot be read.
 */
static int copy_short(const struct iommu_user_data_array *array, void *dst,
		      size_t kdst_len, const void __user *src, u32 n,
		      size_t left)
{
	n = (array_size(n, array->entry_len) - left) / array->entry_len;
	return n ? n : copy_one(array, dst, kdst_len, src);
}

/**
 * __iommu_user_array_fetch_short - finish a first batch that was cut short
 * @array: the array the driver was given
 * @kdst: the driver's array, into which @n entries of the kernel's size were
 *        copied from the first slot to fetch
 * @n: the number of entries the copy was for
 * @left: the bytes it did not copy
 *
 * For the inline part of iommu_user_array_fetch(), whose single copy of a
 * first batch did not complete.
 *
 * Return: see iommu_user_array_fetch().
 */
int __iommu_user_array_fetch_short(struct iommu_user_data_array *array,
				   void *kdst, u32 n, size_t left)
{
	const void __user *src = array->uptr +
				 array_size(next_slot(array), array->entry_len);
	int rc = copy_short(array, kdst, array->entry_len, src, n, left);

	if (rc > 0)
		array->fetched = rc;
	return rc;
}
EXPORT_SYMBOL_NS_GPL(__iommu_user_array_fetch_short, IOMMUFD);

/*
 * Copy up to n entries from the contiguous slots starting at first into dst,
 * which holds n kernel entries of kdst_len bytes, with one copy_from_user().
 * Return the number of whole, valid entries copied, or the error of the first
 * entry if there are none. Entries of the kernel's size are the fast path.
 */
static int copy_run(const struct iommu_user_data_array *array, void *dst,
		    size_t kdst_len, u32 first, u32 n)
{
	size_t elen = array->entry_len;
	const void __user *src = array->uptr + array_size(first, elen);
	size_t left;
	int rc;

	if (unlikely(elen > kdst_len))
		return copy_run_longer(array, dst, kdst_len, src, n);

	left = copy_from_user(dst, src, array_size(n, elen));
	if (unlikely(left)) {
		rc = copy_short(array, dst, kdst_len, src, n, left);
		if (rc <= 0)
			return rc;
		n = rc;
	}
	if (unlikely(elen < kdst_len))
		spread_shorter(dst, elen, kdst_len, n);
	return n;
}

/**
 * __iommu_user_array_fetch - copy the next entries of a user array
 * @array: the array the driver was given
 * @type: the data type the driver expects
 * @kdst: a kernel array of at least @max entries of @kdst_len bytes
 * @kdst_len: the size of the driver's struct
 * @min_len: the size of the driver's struct in its first uAPI version
 * @max: the number of entries @kdst can hold, at least 1
 *
 * Use iommu_user_array_fetch(), which derives the sizes from the struct and
 * checks them.
 *
 * Return: see iommu_user_array_fetch().
 */
int __iommu_user_array_fetch(struct iommu_user_data_array *array,
			     unsigned int type, void *kdst, size_t kdst_len,
			     size_t min_len, u32 max)
{
	u32 first, n;
	int rc, more;

	if (array->type != type)
		return -EINVAL;
	max = min(max, array->count - array->fetched);
	if (!max)
		return 0;
	if (array->entry_len < min_len)
		return -EINVAL;

	/* Between batches; the first follows the ioctl's entry */
	if (array->fetched)
		cond_resched();

	/* At most two runs: to the end of the buffer, then from its start */
	first = next_slot(array);
	n = min(max, array->entry_num - first);
	rc = copy_run(array, kdst, kdst_len, first, n);
	if (rc <= 0)
		return rc;
	array->fetched += rc;
	if (rc != n || n == max)
		return rc;

	more = copy_run(array, kdst + array_size(n, kdst_len), kdst_len, 0,
			max - n);
	if (more <= 0)
		return rc;
	array->fetched += more;
	return rc + more;
}
EXPORT_SYMBOL_NS_GPL(__iommu_user_array_fetch, IOMMUFD);
