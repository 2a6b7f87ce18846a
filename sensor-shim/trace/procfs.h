/* procfs.h: the few facts about a stopped tracee that /proc gives more
 * cheaply or more truly than its memory: where its executable and working
 * directory are, its parent, user and tracer, where it sleeps, and (when the execve arguments could
 * not be kept) the argv of the new image. */
#ifndef FC_PROCFS_H
#define FC_PROCFS_H

#include <stddef.h>
#include <sys/types.h>

#include "tstrv.h"

struct proc_status {
	pid_t tgid;
	pid_t ppid;
	long uid, euid;          /* -1 when unknown */
	pid_t tracer;            /* TracerPid: 0 when untraced, -1 unknown */
};

/* readlink of /proc/PID/WHAT (exe, cwd) into buf, NUL-terminated; returns
 * the length, or -1 (gone, not permitted, or longer than len - 1). */
ssize_t procfs_link(pid_t pid, const char *what, char *buf, size_t len);

/* Tgid, PPid, Uid and TracerPid of /proc/PID/status (a thread's id names
 * the thread). Returns 0 or -1. */
int procfs_status(pid_t pid, struct proc_status *st);

/* What /proc/PID/stat says of a task: its name, its state letter (R, S, Z...),
 * its controlling terminal (0: none) and when it started, in clock
 * ticks since boot. */
struct proc_stat {
	char comm[16];           /* its command name (its own choice) */
	char state;
	int tty_nr;
	unsigned long long start_ticks;
};

/* Returns 0 or -1 (gone). */
int procfs_stat(pid_t pid, struct proc_stat *ps);

/* The same from the text of a stat file (NUL-terminated), whose command
 * name the process chose: 0, or -1 when it is not one. */
int procfs_parse_stat(const char *buf, struct proc_stat *ps);

/* Whether the task is gone or a zombie: it will run no more. */
int procfs_is_dead(pid_t tid);

/* A start time in ticks since boot (proc_stat) as milliseconds since the
 * epoch (the boot time from /proc/stat, read once); 0 when unknown. */
unsigned long long procfs_start_ms(unsigned long long start_ticks);

/* Whether the task sleeps in a kernel function whose name contains name
 * (/proc/TID/wchan; 0 when it runs, or cannot be read). */
int procfs_sleeps_in(pid_t tid, const char *name);

/* /proc/PID/cmdline as a string array within the ARGV_* caps. Returns 0
 * or -1. */
int procfs_cmdline(pid_t pid, struct tstrv *v);

/* When the file pid executed as path (relative to its cwd) is a script,
 * the base name of its "#!" interpreter into out (cap bytes): 0; else -1.
 * A script run as ./app.sh is, to the rules, the shell running it. */
int procfs_shebang(pid_t pid, const char *path, char *out, size_t cap);

/* The calling process's peak resident set (VmHWM) in KiB, or 0. */
long procfs_self_peak_rss_kib(void);

#endif
