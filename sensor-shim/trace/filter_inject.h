/* filter_inject.h: giving a running thread the sensor's seccomp filter.
 *
 * The application gets the filter before its first instruction (spawn.c),
 * but a process that enters the container from outside (ECS Exec, docker
 * exec, nsenter: entrants.h) is already running when the sensor attaches
 * to it, and a filter can only be installed by the thread it is for. So
 * the sensor makes each such thread install it: at one of its
 * syscall-entry stops, the thread is made to run, in turn,
 *
 *   prctl(PR_SET_NO_NEW_PRIVS), mmap of one anonymous page run, (the
 *   filter is copied there), seccomp(SECCOMP_SET_MODE_FILTER), munmap,
 *
 * with every blockable signal blocked (PTRACE_SETSIGMASK) so that no
 * handler can run in between, and then enters its own syscall again,
 * through the filter, with its registers and signal mask as they were.
 * NO_NEW_PRIVS is what the application runs under too: without
 * CAP_SYS_ADMIN the kernel takes no filter without it. The filter is per
 * thread (no TSYNC): each thread installs its own copy at its own stop,
 * so no thread is ever between "filtered" and "stepped" unseen. */
#ifndef FC_FILTER_INJECT_H
#define FC_FILTER_INJECT_H

#include <linux/filter.h>
#include <sys/types.h>

enum inject_result {
	INJECT_DONE,      /* filtered; the thread sits at a stop, set to
			   * enter its syscall again: resume it with
			   * PTRACE_CONT */
	INJECT_UNTOUCHED, /* not possible here (not a native syscall, or
			   * no injection on this architecture): still at
			   * its entry stop, nothing changed */
	INJECT_FAILED,    /* the kernel refused a step: the thread sits at
			   * a stop, set to enter its syscall again
			   * (unfiltered): resume it with PTRACE_SYSCALL */
	INJECT_RESUMED,   /* a signal that cannot be blocked came: the
			   * thread was put back and resumed with it */
	INJECT_GONE,      /* it is dying; its death report is on the way */
	INJECT_DIED,      /* it died, and *status is its reaped wait status */
};

/* tid is at a syscall-entry stop (PTRACE_SYSCALL). alone: it is not the
 * leader of a process with other threads, so its stops can be waited for
 * (else they are polled). why receives a short reason for
 * INJECT_UNTOUCHED and INJECT_FAILED. */
enum inject_result filter_inject(pid_t tid, const struct sock_fprog *prog, int alone,
				 int *status, const char **why);

#endif
