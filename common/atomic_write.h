/* atomic_write.h: replacing a file so that readers see the old contents or
 * the new, never a mix, and never a truncated file after a crash. */
#ifndef FC_ATOMIC_WRITE_H
#define FC_ATOMIC_WRITE_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Writes data to a temporary file beside path, syncs it, and renames it over
 * path. The file gets mode & ~umask. Fails with FC_ERR_SYSTEM. */
int atomic_write(const char *path, const void *data, size_t len, mode_t mode,
		 struct fc_err *e);

/* Writes all of data to fd, retrying short writes and EINTR. */
int write_all(int fd, const void *data, size_t len);

#endif
