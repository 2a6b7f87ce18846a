/* tstrv.h: a string array as the sensor keeps it (an argv, an envp, a
 * command line read from /proc), and what became of each string while it
 * was read. Its readers (the rules, the events, identity) need only this;
 * tracee_mem.h fills one from a tracee's memory, procfs.h from /proc. */
#ifndef FC_TSTRV_H
#define FC_TSTRV_H

#include <stddef.h>
#include <stdint.h>

#define ARGV_MAX_ENTRIES 16384      /* argv entries kept */
#define ARGV_MAX_ENTRY (128 * 1024) /* bytes kept of each entry: MAX_ARG_STRLEN */
#define ARGV_MAX_TOTAL (256 * 1024) /* bytes kept of all entries */
#define ARGV_COUNT_MAX (1U << 20)   /* entries counted past those kept */

/* What became of one string. */
#define TSTR_NULL 0x1U      /* the pointer was NULL */
#define TSTR_FAULT 0x2U     /* unreadable memory before the terminator */
#define TSTR_TRUNC 0x4U     /* longer than the cap: cut */

/* What became of an array. */
#define TSTRV_NULL 0x1U         /* the array pointer was NULL */
#define TSTRV_FAULT 0x2U        /* the array ran into unreadable memory */
#define TSTRV_ENTRIES_CUT 0x4U  /* more entries than ARGV_MAX_ENTRIES */
#define TSTRV_BYTES_CUT 0x8U    /* an entry or the total was cut */
#define TSTRV_COUNT_CUT 0x10U   /* more than ARGV_COUNT_MAX entries */
#define TSTRV_BAD_ENTRY 0x20U   /* an entry was unreadable */

/* A string array as kept: entries are stored back to back in buf, each
 * one NUL-terminated, entry i at buf + off[i] with length len[i]. flags
 * holds TSTRV_*, eflags[i] the entry's TSTR_*. */
struct tstrv {
	char *buf;
	size_t used, cap;
	uint32_t off[ARGV_MAX_ENTRIES];
	uint32_t len[ARGV_MAX_ENTRIES];
	unsigned char eflags[ARGV_MAX_ENTRIES];
	size_t n;                /* entries kept */
	uint64_t count;          /* entries the array has (up to ARGV_COUNT_MAX) */
	unsigned flags;
};

/* An empty array, buf NULL. Its entry tables (144 KiB) are not cleared:
 * only entries below n are ever read, and clearing them cost each execve
 * more than reading its arguments. */
void tstrv_init(struct tstrv *v);

/* Room for need more bytes in v->buf (grown up to ARGV_MAX_TOTAL).
 * Returns 0, or -1 when it cannot grow. */
int tstrv_reserve(struct tstrv *v, size_t need);

void tstrv_free(struct tstrv *v);

#endif
