/* observe.h: a decoded syscall (syscall_decode.h) and what the tracer
 * knows of the calling process, made into the activity the rules and the
 * events see (activity.h): paths resolved, socket addresses read, the
 * program an exec is about to run and whether it was written since start.
 * One observation lives for one stop; its strings are stored in it. */
#ifndef FC_OBSERVE_H
#define FC_OBSERVE_H

#include <sys/types.h>

#include "activity.h"
#include "path_resolve.h"
#include "syscall_decode.h"
#include "written_set.h"

/* The calling process, as the tracer knows it. */
struct observe_proc {
	pid_t pid;
	int is_main;             /* the process the sensor started */
	int is_sensor_copy;      /* not yet executed: still the sensor's fork */
	const char *exe;         /* its image, or NULL */
	const char *name;        /* the name its image was run as, or NULL */
	const char *cmd_line;
};

struct observation {
	struct activity a;
	char path[PATH_RESOLVE_MAX];
	char path2[PATH_RESOLVE_MAX];
	char *cmd_line;          /* exec: the new argv joined (malloc'd) */
	int exists;              /* file events: the file existed before */
	unsigned old_mode;       /* chmod: the mode before, when it existed */
};

/* Fills o from ev. Returns 0, or -1 when the syscall is not an activity
 * (the pidfd protection check, DEC_NONE). */
int observe(const struct sys_event *ev, const struct observe_proc *p,
	    const struct written_set *ws, struct observation *o);

/* After the syscall was let through: what it writes is remembered. */
void observe_commit(const struct observation *o, struct written_set *ws);

void observation_done(struct observation *o);

#endif
