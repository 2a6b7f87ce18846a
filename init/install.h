/* install.h: putting the payload on the shared volume so that applications
 * see all of it, verified, or nothing: copy into a temporary directory on
 * the volume, check every file against MANIFEST, sync, then rename into
 * place (swapping out a bad previous copy in one step). */
#ifndef FC_INSTALL_H
#define FC_INSTALL_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Why an install failed; init/main.c maps each to an exit code. */
enum install_fail {
	INSTALL_SYSTEM = 1,        /* anything else */
	INSTALL_MANIFEST_MISSING,  /* the image's payload has no MANIFEST */
	INSTALL_MANIFEST_MISMATCH, /* the image's payload does not match it */
	INSTALL_VOLUME_MISSING,    /* no volume directory, or not a mount */
	INSTALL_VOLUME_READONLY,   /* the volume cannot be written */
	INSTALL_DISK_FULL,         /* ENOSPC or EDQUOT on the volume */
};

struct install_err {
	enum install_fail why;
	struct fc_err e;
};

struct install_opts {
	const char *from;      /* the payload in the image */
	const char *to;        /* the payload directory on the volume */
	int check_mount;       /* the volume (to's parent) must be a mount point */
};

enum install_outcome {
	INSTALL_FRESH,         /* there was no payload; now there is */
	INSTALL_KEPT,          /* the payload was already there and verified */
	INSTALL_REPLACED,      /* a payload that did not verify was replaced */
};

struct install_report {
	enum install_outcome outcome;
	size_t files;
	uint64_t bytes;
};

int install_payload(const struct install_opts *o, struct install_report *r,
		    struct install_err *ie);

#endif
