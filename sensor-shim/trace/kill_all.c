/* kill_all.c: kill(-1, sig) on behalf of a tracee (see kill_all.h). */
#include "kill_all.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The ids of /proc/PID/status "Uid:" (real, effective, saved) and
 * whether CapEff holds CAP_KILL. Returns 0 or -1. */
struct creds {
	long ruid, euid, suid;
	int cap_kill;
};

static int creds_of(pid_t pid, struct creds *c)
{
	char path[64], line[256];
	FILE *f;
	int got = 0;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	c->cap_kill = 0;
	while (fgets(line, sizeof line, f)) {
		char *p = line + 7, *end;

		if (strncmp(line, "Uid:", 4) == 0) {
			p = line + 4;
			c->ruid = strtol(p, &end, 10);
			c->euid = strtol(end, &p, 10);
			c->suid = strtol(p, &end, 10);
			got = end != p;
		} else if (strncmp(line, "CapEff:", 7) == 0) {
			c->cap_kill = (int)((strtoull(p, &end, 16) >> 5) & 1); /* CAP_KILL */
		}
	}
	fclose(f);
	return got ? 0 : -1;
}

/* kernel/signal.c kill_ok_by_cred(): CAP_KILL, or the sender's real or
 * effective uid is the target's real or saved one. */
static int may_signal(const struct creds *from, const struct creds *to)
{
	return from->cap_kill || from->euid == to->suid || from->euid == to->ruid ||
	       from->ruid == to->suid || from->ruid == to->ruid;
}

int kill_all(pid_t caller_tid, int sig, const pid_t *targets, size_t n)
{
	struct creds from, to;
	int have_from;

	if (n == 0)
		return ESRCH;
	if (sig < 0 || sig >= NSIG)
		return EINVAL;
	have_from = creds_of(caller_tid, &from) == 0;
	for (size_t i = 0; i < n; i++) {
		/* Unknown credentials: not sent, as a refusal would be. */
		if (!have_from || creds_of(targets[i], &to) < 0 || !may_signal(&from, &to))
			continue;
		if (sig != 0)
			(void)kill(targets[i], sig);
	}
	return 0;
}
