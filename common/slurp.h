/* slurp.h: reading a whole input file, with a ceiling so that a mistaken
 * path (a disk image, /dev/zero) fails fast instead of eating memory. */
#ifndef FC_SLURP_H
#define FC_SLURP_H

#include <stddef.h>

#include "err.h"

/* Reads path ("-" is stdin) into a malloc'd, NUL-terminated buffer. `what`
 * names the input in messages. Fails with FC_ERR_INPUT when the file cannot
 * be opened or read, or is larger than max bytes. */
int slurp(const char *path, size_t max, const char *what, char **buf,
	  size_t *len, struct fc_err *e);

#endif
