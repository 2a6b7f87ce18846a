/* shell_words.h: splitting FALCONCTL_OPTS into words the way a POSIX shell
 * splits an unexpanded command line, so that a definition may quote a value
 * with spaces ("--tags='a b'"). Only quoting is interpreted: there are no
 * expansions ($, `, ~, globs), operators or comments. */
#ifndef FC_SHELL_WORDS_H
#define FC_SHELL_WORDS_H

#include <stddef.h>

#include "err.h"

/* Splits the NUL-terminated s. Words are separated by runs of space, tab
 * and newline. Inside '...' every byte is literal. Inside "..." a backslash
 * escapes only " \ $ ` and newline (a backslash-newline pair vanishes), and
 * is literal before anything else. Outside quotes a backslash makes the next
 * byte literal and a backslash-newline pair vanishes. Adjacent parts form
 * one word; '' and "" make an empty word.
 *
 * On success *out is one malloc'd block holding a NULL-terminated array of
 * *count words and the words themselves (free(*out) releases it). On
 * failure (an unterminated quote, a trailing backslash) returns -1 and fills
 * e with FC_ERR_INPUT. */
int shell_words_split(const char *s, char ***out, size_t *count,
		      struct fc_err *e);

#endif
