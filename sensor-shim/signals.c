/* signals.c: taking over the signal state and giving it back. */
#include "signals.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int signals_take_over(struct sig_saved *saved, sigset_t *waited,
		      struct fc_err *e)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };

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
