/* signals.c: taking over the signal state and giving it back. */
#include "signals.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* glibc keeps the first two real-time signals (32, 33) for itself, and its
 * sigaction() refuses them, but a SIG_IGN inherited on them survives execve
 * and is part of what the application must get back (a container runtime may
 * pass them ignored). Once the sensor has threads, glibc may install its own
 * handler on them, so the inherited state is read at start and restored in
 * the child through the raw system call. The kernel's layout of the struct: */
struct kernel_sigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	uint64_t mask;
};

#define LIBC_SIGNAL(i) (32 + (i))

static int raw_is_ignored(int sig)
{
	struct kernel_sigaction old = { 0 };

	if (syscall(SYS_rt_sigaction, sig, NULL, &old, sizeof old.mask) != 0)
		return 0;
	return old.handler == SIG_IGN;
}

static void raw_ignore(int sig)
{
	struct kernel_sigaction ign = { .handler = SIG_IGN };

	syscall(SYS_rt_sigaction, sig, &ign, NULL, sizeof ign.mask);
}

int signals_take_over(struct sig_saved *saved, sigset_t *waited,
		      struct fc_err *e)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

	for (int i = 0; i < 2; i++)
		saved->libc_ignored[i] = raw_is_ignored(LIBC_SIGNAL(i));
	/* The faults (SIGSEGV, SIGBUS, ...) are blocked too, so that one sent
	 * with kill(1) is forwarded; a real fault in the sensor is forced
	 * through by the kernel and still kills it. */
	sigfillset(waited);
	if (sigprocmask(SIG_SETMASK, waited, &saved->mask) < 0)
		return fc_fail(e, FC_ERR_SYSTEM, "cannot block signals: %s",
			       strerror(errno));
	sigemptyset(&dfl.sa_mask);
	if (sigaction(SIGCHLD, &dfl, &saved->chld) < 0) {
		int err = errno;

		sigprocmask(SIG_SETMASK, &saved->mask, NULL);
		return fc_fail(e, FC_ERR_SYSTEM, "cannot reset SIGCHLD: %s",
			       strerror(err));
	}
	return 0;
}

void signals_give_back(const struct sig_saved *saved)
{
	for (int i = 0; i < 2; i++)
		if (saved->libc_ignored[i])
			raw_ignore(LIBC_SIGNAL(i));
	sigaction(SIGCHLD, &saved->chld, NULL);
	sigprocmask(SIG_SETMASK, &saved->mask, NULL);
}

int signals_self_sent(const siginfo_t *si)
{
	return si->si_code == SI_USER && si->si_pid == getpid();
}

const char *signals_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sigabbrev_np(sig);

	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, len, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}
