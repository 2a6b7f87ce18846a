/* tracee_mem.h: reading strings and string arrays (argv, envp) out of a
 * stopped tracee, which may be hostile: pointers may be NULL, wild, or
 * point at a string that runs into an unmapped page; an array may have
 * 100 000 entries or no terminator. Memory is read in 4 KiB pages
 * (process_vm_readv, one iovec per page so that a fault cuts the read at
 * the page), through a small page cache, within a byte budget per
 * decode; everything kept is capped. Nothing here trusts a tracee byte.
 *
 * The caps are the kernel's own where it has one, so that an argument
 * vector the kernel accepts is kept whole and a cut one is suspicious
 * (args.unreadable, RULES.md): an entry longer than MAX_ARG_STRLEN (128
 * KiB) fails execve with E2BIG; 256 KiB in all is twice what xargs and
 * find -exec + put on one command line (128 KiB), and 16384 entries is an
 * xargs line of 8-byte names. Datadog keeps 256 entries of 256 bytes; a
 * rule can then be dodged with 256 dummy arguments in front. Memory is
 * taken as the strings are read: a short argv costs what it holds. */
#ifndef FC_TRACEE_MEM_H
#define FC_TRACEE_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tstrv.h"

#define TMEM_PAGE 4096U
#define TMEM_CACHE_PAGES 8

#define PATH_MAX_KEPT 4096          /* bytes kept of a path argument */
#define TMEM_BUDGET (16U << 20)     /* bytes read from a tracee per decode */

/* Where tracee bytes come from. read() gets a 4 KiB-aligned address and a
 * length that is a multiple of 4 KiB, and returns how many bytes it read
 * from the start (a multiple of 4 KiB: it stops at the first unreadable
 * page), or -1 when the tracee cannot be read at all. The tracer reads a
 * live process; the fuzz target and the unit test a fake address space. */
struct tmem_src {
	ssize_t (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	void *ctx;
};

struct tmem {
	struct tmem_src src;
	uint64_t base[TMEM_CACHE_PAGES];
	signed char state[TMEM_CACHE_PAGES];  /* 0 empty, 1 read, -1 unreadable */
	unsigned next;                        /* round-robin victim */
	size_t budget;                        /* bytes the source may still read */
	unsigned char page[TMEM_CACHE_PAGES][TMEM_PAGE];
};

/* A reader over src with a fresh cache and budget. */
void tmem_init(struct tmem *m, struct tmem_src src);

/* Copies up to len bytes at addr into buf; returns how many could be
 * read before the first unreadable byte. */
size_t tmem_read(struct tmem *m, uint64_t addr, void *buf, size_t len);

/* Reads the NUL-terminated string at addr into buf (room for cap bytes
 * plus a NUL), sets *len and returns TSTR_* flags. */
unsigned tmem_string(struct tmem *m, uint64_t addr, char *buf, size_t cap,
		     size_t *len);

/* Reads the NULL-terminated array of ptr_size-byte (4 or 8) pointers at
 * addr and the strings they point at, within the ARGV_* caps. Returns 0,
 * or -1 when out of memory (v->flags then still says what was read). */
int tmem_strv(struct tmem *m, uint64_t addr, unsigned ptr_size, struct tstrv *v);

/* The source for a live, stopped tracee: process_vm_readv, falling back to
 * PTRACE_PEEKDATA when the tracee is not dumpable (EPERM) and the sensor
 * lacks CAP_SYS_PTRACE: the tracer may always peek at its tracee. ctx
 * points at the pid_t. */
ssize_t tmem_read_process(void *ctx, uint64_t addr, void *buf, size_t len);

#endif
