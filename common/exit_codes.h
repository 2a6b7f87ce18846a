/* exit_codes.h: the fixed exit-code vocabulary of the runtime programs
 * (falcon-init, falcon-launcher, falcon-sensor), in the manner of s6: each
 * code means one thing in every program, and the codes of the launcher and
 * the sensor stay out of the way of the application's own as far as they
 * can (an application may of course exit with any of them too).
 *
 *   0    success; for the launcher and the sensor, the application exited 0
 *   100  bad invocation or injected configuration: the flags, or
 *        FALCON_APP_ENTRYPOINT, are wrong, or there is nothing to run
 *   101  --fail=closed and the sensor could not start: the app did not run
 *   102  falcon-init: the payload has no MANIFEST (the image is incomplete)
 *   103  falcon-init: a payload file does not match MANIFEST, or MANIFEST
 *        is malformed (the image is corrupt)
 *   104  falcon-init: the volume is missing (no such directory, or it is
 *        not a mount point)
 *   105  falcon-init: the volume is read-only or not writable
 *   106  falcon-init: the volume is full
 *   107  falcon-sensor status: no sensor answers in this container
 *   111  a system call failed for another reason (memory, I/O)
 *   126  the application was found but cannot be executed
 *   127  the application was not found
 *   128+N  the application was killed by signal N
 *   other  the application's own exit code
 */
#ifndef FC_EXIT_CODES_H
#define FC_EXIT_CODES_H

enum {
	FC_EXIT_OK = 0,
	FC_EXIT_CONFIG = 100,
	FC_EXIT_SENSOR = 101,
	FC_EXIT_MANIFEST_MISSING = 102,
	FC_EXIT_MANIFEST_MISMATCH = 103,
	FC_EXIT_VOLUME_MISSING = 104,
	FC_EXIT_VOLUME_READONLY = 105,
	FC_EXIT_DISK_FULL = 106,
	FC_EXIT_NO_SENSOR = 107,
	FC_EXIT_SYSTEM = 111,
	FC_EXIT_NOEXEC = 126,
	FC_EXIT_NOTFOUND = 127,
	FC_EXIT_SIGNAL_BASE = 128,
};

#endif
