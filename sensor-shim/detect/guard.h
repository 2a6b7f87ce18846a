/* guard.h: the files whose every open the sensor judges without stopping
 * every open. A web server opens a file per request; a ptrace stop per
 * open costs it most of its throughput, yet the rules must see (and in
 * prevent mode refuse) every read of /etc/shadow, by any name.
 *
 * The kernel has one hook on opening a given inode that needs no
 * privilege beyond owning the file: a write lease (fcntl F_SETLEASE,
 * F_WRLCK). Any open of a leased inode, by whatever path or hard link,
 * and any truncate, first "breaks" the lease: the opener sleeps in the
 * kernel (__break_lease) and the holder gets a signal naming the file.
 * The guard thread then finds the sleeping opener among the tracees
 * (/proc/TID/wchan) and sends it SIGSTOP, which interrupts the sleep: the
 * open returns -ERESTARTSYS into a signal-delivery-stop, where the tracer
 * judges it as it would at a seccomp stop (tracer.c). Refused, the open
 * returns the rule's errno and is not restarted; allowed, the tracer
 * releases the lease (guard_release) and the kernel restarts the open,
 * which now goes through. The lease is taken again when the last opener
 * has closed the file (inotify IN_CLOSE_*).
 *
 * What it covers: the files the patterns name at start, and
 * those that appear later (a rename over /etc/shadow, a new file in
 * /etc/sudoers.d) in a directory that existed at start (inotify on it);
 * and the event file (its lease is on the sink's own descriptor). What it
 * does not (sensor-shim/README.md, Limitations): while a lease is released
 * for an allowed opener (detect mode, or a rule's exception), other opens
 * of that file run unjudged until it is closed; an open with O_NONBLOCK
 * fails with EAGAIN instead of sleeping (in prevent mode that is a
 * refusal; in detect mode a change the application sees); a filesystem
 * without leases (NFS, EFS) cannot be guarded, and then the sensor stops
 * every open as before (guard_start's answer). */
#ifndef FC_GUARD_H
#define FC_GUARD_H

#include <signal.h>
#include <sys/types.h>

#include <stddef.h>
#include <sys/stat.h>

#include "err.h"

/* The lease signal: a real-time one, so that breaks queue and carry the
 * descriptor (si_fd); SIGIO comes instead when that queue overflows. The
 * signal-forwarding thread leaves it to the guard. */
#define GUARD_SIGNAL (SIGRTMIN + 3)

/* Whether a signal-delivery-stop is the guard's wake-up of an opener (a
 * SIGSTOP from the sensor's own process: a tracee can forge that only for
 * itself, and then only loses a stop). */
int guard_is_wake(const siginfo_t *si, pid_t sensor);

/* Leases every file the patterns name (absolute paths and globs: the
 * sensitive paths and the files read rules name, rules_spec_read_files),
 * and the event file when sink_fd >= 0, and starts the guard thread (*tid: its id, for the
 * filter's sensor tids; 0 when none started). Returns 1 when every sensitive file is guarded,
 * 0 when one is not (the reason is logged: the caller must then stop
 * every open), -1 on a system error (e). Read-only opens of the event
 * file are guarded when its lease holds; nothing else depends on it. */
int guard_start(const char *const *patterns, size_t n, int sink_fd, pid_t *tid,
		struct fc_err *e);

/* The canonical name of a guarded file that appeared after start (a file
 * renamed over a sensitive name), by inode; NULL if none. Thread-safe. */
const char *guard_name(const struct stat *st);

/* An opener of (dev, ino) was allowed: release the lease so that its
 * restarted open goes through; the guard takes it again at the last
 * close. */
void guard_release(dev_t dev, ino_t ino);

/* An opener of (dev, ino) was refused: the lease, which its open began to
 * break, is taken anew (the kernel would end a broken lease at
 * lease-break-time and let the next opener through). */
void guard_rearm(dev_t dev, ino_t ino);

/* An opener whose file the tracer could not name was allowed: release
 * every lease that is being broken. */
void guard_release_breaking(void);

#endif
