/* SPDX-License-Identifier: GPL-2.0 */
/* Accessors of the driver's own header that go around the iterator */
#define drv_array_num(a)	((a)->entry_num)
#define drv_array_buf(a)	((a)->uptr)
#define drv_array_len(a)	((a)->entry_len)
