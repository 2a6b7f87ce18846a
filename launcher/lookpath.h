/* lookpath.h: finding the application's executable the way runc does it
 * (Go's exec.LookPath, then runc's eaccess check), so that a patched
 * container fails, or not, exactly where the unpatched one would. There is
 * no /bin/sh fallback: a script without "#!" fails later, at execve. */
#ifndef FC_LOOKPATH_H
#define FC_LOOKPATH_H

#include "err.h"

enum lookpath_result {
	LOOKPATH_FOUND = 0,
	LOOKPATH_NOT_FOUND,       /* the shell's 127 */
	LOOKPATH_NOT_EXECUTABLE,  /* the shell's 126 */
	LOOKPATH_ERROR,           /* out of memory */
};

/* A name containing '/' is used as it is; any other name is searched in the
 * ':'-separated path_env (NULL or "" means no directory at all, and an empty
 * entry means "."). A candidate counts only if it exists, is not a
 * directory and is executable for the effective IDs; others are skipped as
 * Go does, so a non-executable file on PATH gives "not found". A match in a
 * relative PATH entry is refused, as Go (since 1.19) and so runc refuse it.
 * On LOOKPATH_FOUND *resolved is the malloc'd path to execute: a name with
 * '/' as it is, a PATH match lexically cleaned (as Go's filepath.Join
 * cleans it); otherwise e holds a one-line message. */
enum lookpath_result lookpath(const char *name, const char *path_env,
			      char **resolved, struct fc_err *e);

/* Go's filepath.Clean, in place: the path with repeated '/', "." elements
 * and inner ".." elements removed ("" becomes "."). runc executes the
 * cleaned path, which can differ from the raw one when a ".." follows a
 * symbolic link. */
void lookpath_clean(char *path);

#endif
