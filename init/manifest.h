/* manifest.h: the list of payload files made at build time and checked by
 * the init before anything becomes visible to the application. Format (text,
 * one file a line, fields separated by one space, lines end with '\n'):
 *
 *   # falcon-container payload manifest v1
 *   falcon-launcher 812344 1f0e2d3c 0755
 *   falcon-sensor 845120 9a8b7c6d 0755
 *
 * name: [A-Za-z0-9._-]{1,255}, not starting with '.', not MANIFEST;
 * size: decimal bytes; crc32: zlib's CRC-32 as 8 lowercase hex digits;
 * mode: 4 octal digits, readable by everyone, no set-ID or sticky bits.
 * Lines starting with '#' after the first are comments. The MANIFEST itself
 * is copied too, so an installed payload can be checked again. */
#ifndef FC_MANIFEST_H
#define FC_MANIFEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

#define MANIFEST_HEADER "# falcon-container payload manifest v1\n"
#define MANIFEST_MAX_BYTES (64 * 1024)
#define MANIFEST_MAX_FILES 256

struct manifest_entry {
	char name[256];
	uint64_t size;
	uint32_t crc;
	mode_t mode;
};

struct manifest {
	struct manifest_entry *ent;
	size_t n;
	char *text;      /* the MANIFEST bytes, to be copied verbatim */
	size_t len;
};

/* Parses len bytes; fails with FC_ERR_INPUT naming the line. */
int manifest_parse(const char *text, size_t len, struct manifest *m,
		   struct fc_err *e);

void manifest_free(struct manifest *m);

/* 1 if name may be a payload file name. */
int manifest_name_ok(const char *name);

/* Reads fd to its end, giving its size and CRC-32. Fails with
 * FC_ERR_SYSTEM (errno is kept for the caller to classify). */
int manifest_sum_fd(int fd, uint64_t *size, uint32_t *crc, struct fc_err *e);

/* Checks that dirfd holds exactly MANIFEST (with m's text) and m's files,
 * each a regular file of the listed size, CRC-32 and mode, and nothing else.
 * Fails with FC_ERR_INPUT saying what differs. */
int manifest_verify_dir(int dirfd, const struct manifest *m, struct fc_err *e);

/* Writes DIR/MANIFEST for the regular files in dir (sorted by name, dot files
 * and MANIFEST skipped; anything else that is not a regular file is an
 * error). Mode is 0755 for files with any execute bit, else 0644. */
int manifest_write_for(const char *dir, struct fc_err *e);

#endif
