/* observe.h: a decoded syscall (syscall_decode.h) and what the tracer
 * knows of the calling process, made into the activity the rules and the
 * events see (activity.h): paths resolved, socket addresses read, the
 * program an exec is about to run (its names, the program ld.so loads,
 * its preloaded libraries) and whether it was written since start, and
 * which sensitive file an open reaches, whatever its name.
 * One observation lives for one stop; its strings are stored in it. */
#ifndef FC_OBSERVE_H
#define FC_OBSERVE_H

#include <sys/stat.h>
#include <sys/types.h>

#include "activity.h"
#include "identity.h"
#include "path_resolve.h"
#include "syscall_decode.h"

/* The calling process, as the tracer knows it. */
struct observe_proc {
	pid_t pid;
	int is_main;             /* the process the sensor started */
	int is_sensor_copy;      /* not yet executed: still the sensor's fork */
	const char *exe;         /* its image, or NULL */
	const char *name;        /* the name its image was run as, or NULL */
	const char *cmd_line;
	const char *const *names; /* all its names (identity.h) */
	size_t n_names;
	/* The names of the nearest program above it that is no trampoline
	 * (env, nohup...): its actor for the rules. */
	const char *const *actor_names;
	size_t n_actor_names;
	int entry_trampoline;    /* a trampoline the entrypoint ran: its exec
				  * is still the container's command */
	unsigned long long entered_ms; /* activity.h */
	int ecs_exec;
};

#define OBS_NAMES 8              /* names of the program an exec runs */
#define OBS_LIBS 4               /* preloaded libraries checked per exec */

struct observation {
	struct activity a;
	char path[PATH_RESOLVE_MAX];
	char path2[PATH_RESOLVE_MAX];
	char *cmd_line;          /* exec: the new argv joined (malloc'd) */
	char prog[PATH_RESOLVE_MAX]; /* exec of ld.so: the program it loads */
	char libs[OBS_LIBS][PATH_RESOLVE_MAX]; /* exec: preloads, resolved */
	size_t n_libs;
	const char *files[OBS_LIBS + 1];
	const char *names[OBS_NAMES];
	struct stat st, st2;     /* file events: what the walks of path
				  * and path2 found (activity.h file_st);
				  * exec: the file path names */
	int exists;              /* file events: the file existed before */
	dev_t dev;               /* ... and its inode, when it exists */
	ino_t ino;
	unsigned old_mode;       /* chmod: the mode before, when it existed */
};

/* Fills o from ev. Returns 0, or -1 when the syscall is not an activity
 * (the pidfd protection check, DEC_NONE). */
int observe(const struct sys_event *ev, const struct observe_proc *p,
	    const struct identity *id, struct observation *o);

void observation_done(struct observation *o);

#endif
