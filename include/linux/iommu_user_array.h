/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Arrays of driver-specific entries in user memory, such as the cache
 * invalidation requests of IOMMU_HWPT_INVALIDATE, served to IOMMU drivers
 * one entry or one batch at a time. See
 * Documentation/driver-api/iommu/user-invalidation.rst.
 */
#ifndef __LINUX_IOMMU_USER_ARRAY_H
#define __LINUX_IOMMU_USER_ARRAY_H

#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/compiler_types.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/uaccess.h>

/* Keeps one call from pinning a CPU */
#define IOMMU_USER_ARRAY_MAX_ENTRIES	BIT(19)

/**
 * enum iommu_user_array_flags - layout of a struct iommu_user_data_array
 * @IOMMU_USER_ARRAY_RING: the entries are a ring of @entry_num slots (a power
 *                         of two); positions carry one wrap bit above the
 *                         slot index, as SMMUv3 CMDQ_PROD and CMDQ_CONS do.
 *                         Without it the entries are a linear array.
 */
enum iommu_user_array_flags {
	IOMMU_USER_ARRAY_RING = 1 << 0,
};

/**
 * enum iommu_user_array_stop_reason - why a driver stopped early, successfully
 * @IOMMU_USER_ARRAY_STOP_HANDBACK: the first entry not handled is for user
 *                                  space to carry out, as it changes state
 *                                  that user space keeps (a guest's stream
 *                                  table, say); user space handles it and
 *                                  resumes after it
 * @IOMMU_USER_ARRAY_STOP_NOTIFY: the last entry handled asks for its
 *                                completion to be signalled in a way only
 *                                user space can (a guest's MSI, say); user
 *                                space signals it and resumes at the next
 *                                entry
 *
 * The values are those of enum iommu_hwpt_invalidate_out_flags.
 */
enum iommu_user_array_stop_reason {
	IOMMU_USER_ARRAY_STOP_HANDBACK = 1 << 0,
	IOMMU_USER_ARRAY_STOP_NOTIFY = 1 << 1,
};

/**
 * struct iommu_user_data_array - driver-specific entries in user memory
 * @type: the data type of every entry, one of the uAPI's data types such as
 *        enum iommu_hwpt_invalidate_data_type
 *
 * Drivers read the entries only with iommu_user_array_fetch() or
 * iommu_user_array_next() and report what they handled with
 * iommu_user_array_ack(). The other fields belong to the iommufd core.
 */
struct iommu_user_data_array {
	unsigned int type;
	/* private: */
	void __user *uptr;
	size_t entry_len;
	u32 entry_num;
	u32 head;
	u32 count;
	u32 flags;
	u32 fetched;
	u32 done;
	u32 stop;
};

int iommu_user_array_init(struct iommu_user_data_array *array,
			  unsigned int type, void __user *uptr,
			  size_t entry_len, u32 entry_num, u32 head, u32 tail,
			  u32 flags);

#ifdef CONFIG_IOMMUFD_USER_ARRAY
int __iommu_user_array_fetch(struct iommu_user_data_array *array,
			     unsigned int type, void *kdst, size_t kdst_len,
			     size_t min_len, u32 max);
int __iommu_user_array_fetch_short(struct iommu_user_data_array *array,
				   void *kdst, u32 n, size_t left);
#else
/* Without iommufd no array reaches a driver, whose op is still built */
static inline int
__iommu_user_array_fetch(struct iommu_user_data_array *array,
			 unsigned int type, void *kdst, size_t kdst_len,
			 size_t min_len, u32 max)
{
	return -EOPNOTSUPP;
}

static inline int
__iommu_user_array_fetch_short(struct iommu_user_data_array *array,
			       void *kdst, u32 n, size_t left)
{
	return -EOPNOTSUPP;
}
#endif

/*
 * The calls a driver makes per entry or per batch are inline: in a guest's
 * invalidation path each call is a measurable part of the cost of an entry.
 */

/**
 * iommu_user_array_count - the number of entries between head and tail
 * @array: the array
 *
 * Return: the number of entries user space asked to be handled.
 */
static inline u32
iommu_user_array_count(const struct iommu_user_data_array *array)
{
	return array->count;
}

/**
 * iommu_user_array_ack - report entries as handled
 * @array: the array the driver was given
 * @n: how many of the fetched entries, in order, the driver has handled
 *
 * An entry counts as handled only once the driver acknowledged it, for
 * instance after the command it became was issued to the hardware. Only
 * fetched entries can be acknowledged.
 */
static inline void iommu_user_array_ack(struct iommu_user_data_array *array,
					u32 n)
{
	u32 unacked = array->fetched - array->done;

	if (WARN_ON(n > unacked))
		n = unacked;
	array->done += n;
}

/**
 * iommu_user_array_stop - stop early, successfully, for user space to act
 * @array: the array the driver was given
 * @why: one of enum iommu_user_array_stop_reason
 *
 * For an op that returns 0 before handling every entry. Acknowledge the
 * entries handled first: for IOMMU_USER_ARRAY_STOP_NOTIFY they include the
 * entry to signal, for IOMMU_USER_ARRAY_STOP_HANDBACK they end before the
 * entry handed back. The reason is dropped if the op returns an error.
 */
static inline void iommu_user_array_stop(struct iommu_user_data_array *array,
					 enum iommu_user_array_stop_reason why)
{
	array->stop = why;
}

/**
 * iommu_user_array_stopped - why the driver stopped early
 * @array: the array the driver was given, after its op returned 0
 *
 * A reason that cannot hold is refused with a warning: a hand-back needs an
 * entry left to hand back, a notification an entry handled.
 *
 * Return: the enum iommu_user_array_stop_reason the driver gave, or 0.
 */
static inline u32
iommu_user_array_stopped(const struct iommu_user_data_array *array)
{
	switch (array->stop) {
	case 0:
		return 0;
	case IOMMU_USER_ARRAY_STOP_HANDBACK:
		if (WARN_ON(array->done == array->count))
			return 0;
		return array->stop;
	case IOMMU_USER_ARRAY_STOP_NOTIFY:
		if (WARN_ON(!array->done))
			return 0;
		return array->stop;
	default:
		WARN_ON(1);
		return 0;
	}
}

/**
 * iommu_user_array_report - what to tell user space after the driver ran
 * @array: the array the driver was given
 * @head: if not NULL, set to the position after the last handled entry,
 *        which is the first entry not handled (wrap bit kept in a ring)
 *
 * Return: the number of entries the driver acknowledged.
 */
static inline u32
iommu_user_array_report(const struct iommu_user_data_array *array, u32 *head)
{
	/* iommu_user_array_ack() keeps it within the fetched entries */
	u32 done = array->done;

	if (head) {
		*head = array->head + done;
		if (array->flags & IOMMU_USER_ARRAY_RING)
			*head &= 2 * array->entry_num - 1;
	}
	return done;
}

/*
 * The checks of the driver's arguments fold away for a constant struct and
 * batch size. Two fetches that are most of the calls are answered inline, as
 * copy_struct_from_user() answers for a struct: the last of a driver's loop,
 * which finds every entry fetched, and a first batch of entries of the
 * kernel's size that does not wrap, which is the whole of most invalidations
 * and one copy_from_user(). A copy that stops short is finished out of line,
 * and anything else takes the general path.
 */
static __always_inline int
__iommu_user_array_fetch_inline(struct iommu_user_data_array *array,
				unsigned int type, void *kdst, size_t kdst_len,
				size_t min_len, u32 max)
{
	unsigned long left;
	u32 n, first;

	if (WARN_ON(!kdst || !max || !min_len || min_len > kdst_len))
		return -EINVAL;
	if (likely(array->type == type)) {
		if (array->fetched == array->count)
			return 0;
		n = min(max, array->count);
		/* The slot of a ring's head; a linear array's head is 0 */
		first = array->head & (array->entry_num - 1);
		if (!array->fetched && array->entry_len == kdst_len &&
		    n <= array->entry_num - first) {
			left = copy_from_user(kdst, array->uptr +
						    array_size(first, kdst_len),
					      array_size(n, kdst_len));
			if (unlikely(left))
				return __iommu_user_array_fetch_short(array,
								      kdst, n,
								      left);
			array->fetched = n;
			return n;
		}
	}
	return __iommu_user_array_fetch(array, type, kdst, kdst_len, min_len,
					max);
}

/**
 * iommu_user_array_fetch - copy the next entries of a user array
 * @array: the array the driver was given
 * @type: the data type the driver expects; must match @array->type
 * @kdst: a kernel array of at least @max entries of the driver's struct
 * @max: the number of entries @kdst can hold
 * @min_last: the last member of the struct in its first uAPI version
 *
 * Copies up to @max entries that follow the last fetched one, in order, with
 * one copy_from_user() per contiguous run. Each entry is converted to the
 * kernel's struct size: a shorter (older) user entry is zero-extended, a
 * longer (newer) one must have zero trailing bytes.
 *
 * Return: the number of entries copied; 0 once every entry was fetched;
 * -EINVAL if @type does not match or an entry is shorter than @min_last
 * requires, -E2BIG if the first entry has non-zero trailing bytes, -EFAULT if
 * it cannot be read. A bad entry after the first ends the batch before it, so
 * the entries ahead of it are returned first and the next call reports it.
 */
#define iommu_user_array_fetch(array, type, kdst, max, min_last)             \
	__iommu_user_array_fetch_inline(array, type, kdst, sizeof((kdst)[0]),  \
					offsetofend(typeof((kdst)[0]),         \
						    min_last), max)

/**
 * iommu_user_array_next - copy the next entry of a user array
 * @array: the array the driver was given
 * @type: the data type the driver expects; must match @array->type
 * @kdst: a pointer to the kernel struct to fill
 * @min_last: the last member of the struct in its first uAPI version
 *
 * Return: 1 if an entry was copied, 0 once every entry was fetched, or an
 * error as for iommu_user_array_fetch().
 */
#define iommu_user_array_next(array, type, kdst, min_last)                    \
	iommu_user_array_fetch(array, type, kdst, 1, min_last)

#endif /* __LINUX_IOMMU_USER_ARRAY_H */
