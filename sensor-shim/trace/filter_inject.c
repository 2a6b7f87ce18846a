/* filter_inject.c: the steps of filter_inject.h, on top of regs_arch.h's
 * syscall calls. */
#include "filter_inject.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>

#include "procfs.h"
#include "regs_arch.h"

/* The kernel's sigset_t, as PTRACE_GETSIGMASK and SETSIGMASK take it. */
typedef uint64_t ksigset;

/* PTRACE_GETSIGMASK (get) or SETSIGMASK: the size travels as the address. */
static int tracee_sigmask(pid_t tid, int get, ksigset *mask)
{
	void *size = (void *)sizeof *mask; /* NOLINT(performance-no-int-to-ptr) */

	return (int)ptrace(get ? PTRACE_GETSIGMASK : PTRACE_SETSIGMASK, tid, size, mask);
}

enum wait_result { W_STOP, W_OTHER_STOP, W_DIED, W_GONE };

/* The next stop of tid, once it is a syscall stop. A thread-group
 * leader with other threads is polled rather than waited for: killed by
 * another thread's exit_group, it is reported only once the tracer has
 * reaped its siblings, which a blocking waitpid(tid) would never let it
 * do; such a leader shows as a zombie meanwhile. A seccomp stop of the
 * thread's own filter (a sensor filter it had already) is passed
 * through. */
static enum wait_result next_syscall_stop(pid_t tid, int may_block, int *status)
{
	struct timespec nap = { 0, 20000 };

	for (unsigned spins = 0;; spins++) {
		pid_t r = waitpid(tid, status, __WALL | (may_block ? 0 : WNOHANG));

		if (r == tid) {
			int event = (int)((unsigned)*status >> 16);

			if (WIFEXITED(*status) || WIFSIGNALED(*status))
				return W_DIED;
			if (WSTOPSIG(*status) == (SIGTRAP | 0x80))
				return W_STOP;
			if (event == PTRACE_EVENT_SECCOMP) {
				if (ptrace(PTRACE_SYSCALL, tid, NULL, NULL) < 0)
					return W_GONE;
				continue;
			}
			return W_OTHER_STOP;
		}
		if (r < 0 && errno != EINTR)
			return W_GONE;
		if (r == 0 && procfs_is_dead(tid))
			return W_GONE;
		if (spins < 4096)
			sched_yield();
		else
			nanosleep(&nap, NULL);
	}
}

struct call {
	pid_t tid;
	int may_block;
	struct regs_saved regs;
	int at_entry;            /* no call made yet: at the first entry stop */
	int status;
	enum wait_result w;
};

/* Runs nr(args) in the thread: 0 with the return value in *ret, or -1
 * (c->w says why). */
static int call(struct call *c, long nr, uint64_t a0, uint64_t a1, uint64_t a2,
		uint64_t a3, uint64_t a4, uint64_t a5, long *ret)
{
	const uint64_t args[6] = { a0, a1, a2, a3, a4, a5 };

	c->w = W_GONE;
	if (regs_call(c->tid, &c->regs, c->at_entry, nr, args) < 0)
		return -1;
	if (!c->at_entry) {
		/* Back over the syscall instruction: a fresh entry stop. */
		if (ptrace(PTRACE_SYSCALL, c->tid, NULL, NULL) < 0)
			return -1;
		if ((c->w = next_syscall_stop(c->tid, c->may_block, &c->status)) != W_STOP)
			return -1;
	}
	c->at_entry = 0;
	if (ptrace(PTRACE_SYSCALL, c->tid, NULL, NULL) < 0)
		return -1;
	if ((c->w = next_syscall_stop(c->tid, c->may_block, &c->status)) != W_STOP)
		return -1;
	return regs_call_result(c->tid, ret);
}

/* A stop that is not the one the call waited for: the thread is put back
 * where it was and let go its own way. */
static enum inject_result cut_short(struct call *c, ksigset mask, int *status)
{
	int sig = WSTOPSIG(c->status), event = (int)((unsigned)c->status >> 16);

	switch (c->w) {
	case W_DIED:
		*status = c->status;
		return INJECT_DIED;
	case W_GONE:
	case W_STOP:
		return INJECT_GONE;
	case W_OTHER_STOP:
		break;
	}
	if (event != 0) {
		/* PTRACE_EVENT_EXIT of a thread being killed: let it die. */
		ptrace(PTRACE_CONT, c->tid, NULL, NULL);
		return INJECT_GONE;
	}
	/* A signal-delivery-stop (SIGSTOP, or a fault of ours): back to
	 * the syscall, and the signal goes on. */
	regs_reenter(c->tid, &c->regs);
	tracee_sigmask(c->tid, 0, &mask);
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): the signal is data */
	ptrace(PTRACE_SYSCALL, c->tid, NULL, (void *)(long)sig);
	return INJECT_RESUMED;
}

/* Copies prog into the thread's page at addr, the struct first. */
static int copy_program(pid_t tid, const struct sock_fprog *prog, uint64_t addr)
{
	struct sock_fprog remote = { prog->len,
		/* NOLINTNEXTLINE(performance-no-int-to-ptr): its address */
		(struct sock_filter *)(uintptr_t)(addr + sizeof remote) };
	size_t bytes = prog->len * sizeof *prog->filter;
	struct iovec local[2] = { { &remote, sizeof remote }, { prog->filter, bytes } };
	/* NOLINTNEXTLINE(performance-no-int-to-ptr): a remote address */
	struct iovec far = { (void *)(uintptr_t)addr, sizeof remote + bytes };

	return process_vm_writev(tid, local, 2, &far, 1, 0) ==
	       (ssize_t)(sizeof remote + bytes) ? 0 : -1;
}

enum inject_result filter_inject(pid_t tid, const struct sock_fprog *prog, int alone,
				 int *status, const char **why)
{
	struct call c = { .tid = tid, .may_block = alone, .at_entry = 1 };
	size_t size = sizeof(struct sock_fprog) + prog->len * sizeof *prog->filter;
	ksigset mask, all = ~(ksigset)0;
	long ret, page = 0;
	int installed = 0;

	if (regs_save(tid, &c.regs) < 0) {
		*why = errno == ESRCH ? "gone" : errno == ENOSYS ?
		       "no syscall injection on this architecture" : "not a 64-bit syscall";
		return errno == ESRCH ? INJECT_GONE : INJECT_UNTOUCHED;
	}
	if (tracee_sigmask(tid, 1, &mask) < 0 || tracee_sigmask(tid, 0, &all) < 0) {
		*why = "cannot block its signals";
		return errno == ESRCH ? INJECT_GONE : INJECT_UNTOUCHED;
	}
	*why = "prctl(PR_SET_NO_NEW_PRIVS)";
	if (call(&c, SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0, &ret) < 0)
		return cut_short(&c, mask, status);
	if (ret != 0)
		goto refused;
	*why = "mmap";
	if (call(&c, SYS_mmap, 0, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0, &page) < 0)
		return cut_short(&c, mask, status);
	if (page < 0 && page > -4096)
		goto refused;
	*why = "writing the filter into it";
	if (copy_program(tid, prog, (uint64_t)page) == 0) {
		*why = "seccomp(SECCOMP_SET_MODE_FILTER)";
		if (call(&c, SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			 SECCOMP_FILTER_FLAG_SPEC_ALLOW, (uint64_t)page, 0, 0, 0, &ret) < 0)
			return cut_short(&c, mask, status);
		/* Before 4.17 the flag is unknown (seccomp_filter.c). */
		if (ret == -EINVAL &&
		    call(&c, SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, (uint64_t)page,
			 0, 0, 0, &ret) < 0)
			return cut_short(&c, mask, status);
		installed = ret == 0;
	}
	if (call(&c, SYS_munmap, (uint64_t)page, size, 0, 0, 0, 0, &ret) < 0)
		return cut_short(&c, mask, status);
	if (!installed)
		goto refused;
	if (regs_reenter(tid, &c.regs) < 0 ||
	    tracee_sigmask(tid, 0, &mask) < 0)
		return INJECT_GONE;
	return INJECT_DONE;

refused:
	if (regs_reenter(tid, &c.regs) < 0 ||
	    tracee_sigmask(tid, 0, &mask) < 0)
		return INJECT_GONE;
	return INJECT_FAILED;
}
