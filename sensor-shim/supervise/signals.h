/* signals.h: the sensor's signal state. The supervisor receives signals
 * synchronously (all blocked, taken with sigwaitinfo) so that it can forward
 * them; the application must get back the mask and dispositions that the
 * sensor itself was started with, which are what the container gave. */
#ifndef FC_SIGNALS_H
#define FC_SIGNALS_H

#include <signal.h>
#include <stddef.h>

#include "err.h"

/* What the sensor changed, to be given back to the application. */
struct sig_saved {
	sigset_t mask;           /* the mask the sensor started with */
	struct sigaction chld;   /* SIGCHLD's disposition at start */
	int libc_ignored[2];     /* signals 32 and 33 were inherited ignored */
};

/* Saves the current state into saved, blocks every signal and sets SIGCHLD
 * to its default (an inherited SIG_IGN would make the kernel reap the
 * application before its exit status can be read). *waited is the set to
 * pass to sigwaitinfo. Fails with FC_ERR_SYSTEM. */
int signals_take_over(struct sig_saved *saved, sigset_t *waited,
		      struct fc_err *e);

/* Restores what signals_take_over changed: in the child just before it
 * executes the application, or before the sensor fails open. */
void signals_give_back(const struct sig_saved *saved);

/* 1 if the signal described by si was raised by the sensor itself (such as a
 * SIGPIPE from writing to a closed log): it is about the sensor, not for the
 * application. */
int signals_self_sent(const siginfo_t *si);

/* The signal's name without "SIG" ("TERM", "RTMIN+3"), for messages. */
const char *signals_name(int sig, char *buf, size_t len);

#endif
