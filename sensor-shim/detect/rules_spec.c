/* rules_spec.c: the trace spec a rule set needs. The sensor stops a
 * syscall only when an event or an enabled rule needs it, and where the
 * need depends on an argument value it says so in the row, so that the
 * seccomp filter lets every other call through without a stop:
 * - chmod family: only modes with an exec, setuid or setgid bit (the File
 *   System event is for modes that add an exec bit);
 * - open family: only opens for writing, creating or truncating, unless
 *   a read can matter that the guard cannot watch (a rule on reads of
 *   anything but named files, or a file the guard could not lease:
 *   guard.h): then every open;
 * - ptrace: only ATTACH, SEIZE and TRACEME; dup2/dup3: only onto 0, 1, 2;
 *   ptrace, unshare, setns, dup2/dup3: only when a rule looks at them;
 * - ftruncate: only to length 0 (a database sizes its files all the time);
 * - sendto, sendmsg, sendmmsg: only with MSG_FASTOPEN (TCP Fast Open: a
 *   connect and its first bytes in one call);
 * - clone: only with a CLONE_NEW* flag (threads and forks run), when a
 *   rule looks at unshare;
 * - link, symlink, mknod, truncate and their *at forms, process_vm_writev:
 *   always (rare).
 * No row takes the exit stop: no event or rule needs a return value. */
#include "rules_spec.h"

#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "rules.h"

#define MAX_ADDED 128

struct build {
	struct spec_row *rows;
	size_t n, cap;
};

static void add(struct build *b, const char *syscall, enum spec_decoder dec,
		const char *why)
{
	/* Syscalls this libseccomp does not know (fchmodat2 on an old
	 * one) cannot be called by name here, nor filtered: skip them. */
	if (seccomp_syscall_resolve_name(syscall) == __NR_SCMP_ERROR)
		return;
	if (b->n >= b->cap)
		abort(); /* MAX_ADDED is too small: a programming error */
	b->rows[b->n++] = (struct spec_row){ .syscall = syscall, .action = SPEC_TRACE,
					     .decoder = dec, .why = why };
}

/* The same, stopping only when (args[arg] & mask) == value. */
static void add_if(struct build *b, const char *syscall, enum spec_decoder dec,
		   unsigned arg, uint64_t mask, uint64_t value, const char *why)
{
	size_t before = b->n;

	add(b, syscall, dec, why);
	if (b->n == before)
		return;
	b->rows[before].n_cond = 1;
	b->rows[before].cond[0] = (struct spec_cond){ .arg = (unsigned char)arg,
		.op = SPEC_EQ, .val = SPEC_VAL_CONST, .mask = mask, .value = value };
}

static const char *const why_open = "File System Activity; rules on opens";
static const char *const why_chmod = "File System Activity: a mode with an exec, "
	"setuid or setgid bit";

static void open_rows(struct build *b, int all)
{
	static const unsigned write_bits[] = { O_WRONLY, O_RDWR, O_CREAT, O_TRUNC };

	if (all) {
		add(b, "open", DEC_OPEN, why_open);
		add(b, "openat", DEC_OPENAT, why_open);
	} else {
		for (size_t i = 0; i < 4; i++) {
			add_if(b, "open", DEC_OPEN, 1, write_bits[i], write_bits[i], why_open);
			add_if(b, "openat", DEC_OPENAT, 2, write_bits[i], write_bits[i],
			       why_open);
		}
	}
	add(b, "creat", DEC_CREAT, why_open);
	/* openat2's flags are behind a pointer, out of BPF's reach. */
	add(b, "openat2", DEC_OPENAT2, why_open);
}

static void chmod_rows(struct build *b)
{
	static const unsigned bits[] = { S_IXUSR, S_IXGRP, S_IXOTH, S_ISUID, S_ISGID };

	for (size_t i = 0; i < 5; i++) {
		add_if(b, "chmod", DEC_CHMOD, 1, bits[i], bits[i], why_chmod);
		add_if(b, "fchmod", DEC_FCHMOD, 1, bits[i], bits[i], why_chmod);
		add_if(b, "fchmodat", DEC_FCHMODAT, 2, bits[i], bits[i], why_chmod);
		add_if(b, "fchmodat2", DEC_FCHMODAT, 2, bits[i], bits[i], why_chmod);
	}
}

static const char *const why_create = "File System Activity: a new name (link, "
	"symlink, mknod) is a create";
static const char *const why_trunc = "File System Activity: truncation";

/* Other ways to create names and change files. */
static void create_rows(struct build *b)
{
	add(b, "link", DEC_LINK, why_create);
	add(b, "linkat", DEC_LINKAT, why_create);
	add(b, "symlink", DEC_SYMLINK, why_create);
	add(b, "symlinkat", DEC_SYMLINKAT, why_create);
	/* Every type: a FIFO or a regular file is a create, a device node
	 * (CAP_MKNOD) a way to the host's disks; mkfifo is the only
	 * common caller. */
	add(b, "mknod", DEC_MKNOD, why_create);
	add(b, "mknodat", DEC_MKNODAT, why_create);
	add(b, "truncate", DEC_TRUNCATE, why_trunc);
	add(b, "truncate64", DEC_TRUNCATE, why_trunc);
	/* The length is an off_t: all 64 bits. A truncate to another length
	 * runs: the descriptor's open for writing was seen already. i386's
	 * ftruncate64 splits the length over two registers: its low half. */
	add_if(b, "ftruncate", DEC_FTRUNCATE, 1, ~0ULL, 0, why_trunc);
	add_if(b, "ftruncate64", DEC_FTRUNCATE, 1, 0xffffffffU, 0, why_trunc);
}

static const char *const why_tfo = "Network Activity: TCP Fast Open connects";

/* TCP Fast Open: the flags are an int; the address is sendto's 5th
 * argument or in the msghdr. */
static void fastopen_rows(struct build *b)
{
	add_if(b, "sendto", DEC_SENDTO, 3, MSG_FASTOPEN, MSG_FASTOPEN, why_tfo);
	add_if(b, "sendmsg", DEC_SENDMSG, 2, MSG_FASTOPEN, MSG_FASTOPEN, why_tfo);
	add_if(b, "sendmmsg", DEC_SENDMMSG, 3, MSG_FASTOPEN, MSG_FASTOPEN, why_tfo);
}

/* clone with a namespace flag is unshare's event. CLONE_NEWUSER is the
 * integrity-user-namespace policy's (policy.c); CLONE_NEWTIME does not
 * fit clone's flags (its bit is the exit signal's). */
static void clone_rows(struct build *b)
{
	static const unsigned long ns[] = { CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET,
					    CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWCGROUP };

	for (size_t i = 0; i < sizeof ns / sizeof *ns; i++)
		add_if(b, "clone", DEC_CLONE, 0, ns[i], ns[i],
		       "rules: a new namespace (clone)");
}

/* Whether a condition limits a rule to opens that write or truncate. */
static int writes_only(const struct rule_cond *c)
{
	int want = c->n == 1 && c->num && c->op == OP_EQ ? (c->num[0] != 0) != c->negate : -1;

	return (c->field == F_FILE_IS_WRITE || c->field == F_FILE_IS_TRUNC) && want == 1;
}

/* Whether a condition names the files a rule reads by absolute path. A
 * read whose path cannot be read whole (args.unreadable) matters only
 * when it hides a file some rule names: the guard sees that open and
 * decodes it as a stop would. */
static int names_files(const struct rule_cond *c)
{
	if (c->field == F_ARGS_UNREADABLE && !c->negate)
		return 1;
	if (c->field != F_FILE_PATH || c->negate || c->nocase ||
	    (c->op != OP_EQ && c->op != OP_GLOB))
		return 0;
	for (size_t v = 0; v < c->n; v++)
		if (c->s[v][0] != '/')
			return 0;
	return 1;
}

enum spec_reads rules_spec_reads(const struct ruleset *rs)
{
	enum spec_reads need = rs->n_sensitive > 0 ? READS_BY_FILE : READS_NONE;

	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->rules[i];
		int writes = 0, named = 0;

		if (!r->enabled || !(r->events & (1U << ACT_OPEN)))
			continue;
		for (size_t c = 0; c < r->n_cond; c++) {
			writes |= writes_only(&r->cond[c]);
			named |= names_files(&r->cond[c]);
		}
		if (writes)
			continue;
		if (!named)
			return READS_ALL;
		need = READS_BY_FILE;
	}
	return need;
}

/* The paths and globs whose reads matter, into out when not NULL;
 * returns how many. */
static size_t each_read_file(const struct ruleset *rs, const char **out)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->n_sensitive; i++, n++)
		if (out)
			out[n] = rs->sensitive[i];
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->rules[i];
		int writes = 0;

		if (!r->enabled || !(r->events & (1U << ACT_OPEN)))
			continue;
		for (size_t c = 0; c < r->n_cond; c++)
			writes |= writes_only(&r->cond[c]);
		for (size_t c = 0; c < r->n_cond && !writes; c++)
			if (r->cond[c].field == F_FILE_PATH && names_files(&r->cond[c]))
				for (size_t v = 0; v < r->cond[c].n; v++, n++)
					if (out)
						out[n] = r->cond[c].s[v];
	}
	return n;
}

const char **rules_spec_read_files(const struct ruleset *rs, size_t *n)
{
	const char **v = calloc(each_read_file(rs, NULL) + 1, sizeof *v);

	*n = v ? each_read_file(rs, v) : 0;
	return v;
}

int rules_spec_build(const struct ruleset *rs, int files, int every_open,
		     struct trace_spec *out, struct fc_err *e)
{
	uint32_t ev = ruleset_events(rs);
	const struct trace_spec *base = &trace_spec_default;
	struct build b;

	b.rows = calloc(base->n + MAX_ADDED, sizeof *b.rows);
	if (!b.rows)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory for the trace spec");
	/* The refusals come first: the user-space matcher takes the first
	 * row that matches, as the filter does (tests/unit). */
	memcpy(b.rows, base->rows, base->n * sizeof *b.rows);
	b.n = base->n;
	b.cap = base->n + MAX_ADDED;

	if (files) {
		open_rows(&b, every_open);
		add(&b, "unlink", DEC_UNLINK, "File System Activity: Delete");
		add(&b, "unlinkat", DEC_UNLINKAT, "File System Activity: Delete");
		add(&b, "rename", DEC_RENAME, "File System Activity: Rename");
		add(&b, "renameat", DEC_RENAMEAT, "File System Activity: Rename");
		add(&b, "renameat2", DEC_RENAMEAT2, "File System Activity: Rename");
		chmod_rows(&b);
		create_rows(&b);
	}
	add(&b, "connect", DEC_CONNECT, "Network Activity: outbound connection");
	fastopen_rows(&b);
	add(&b, "bind", DEC_BIND, "Network Activity: bind");
	add(&b, "listen", DEC_LISTEN, "Network Activity: listen");
	if (ev & (1U << ACT_PTRACE)) {
		/* The request is a long: all 64 bits count. */
		add_if(&b, "ptrace", DEC_PTRACE, 0, ~0ULL, PTRACE_ATTACH, "rules: ptrace");
		add_if(&b, "ptrace", DEC_PTRACE, 0, ~0ULL, PTRACE_SEIZE, "rules: ptrace");
		add_if(&b, "ptrace", DEC_PTRACE, 0, ~0ULL, PTRACE_TRACEME, "rules: ptrace");
		/* Writing another process's memory is ptrace's POKEDATA
		 * without the attach: the ptrace event (RULES.md). */
		add(&b, "process_vm_writev", DEC_VM_WRITEV, "rules: process_vm_writev");
	}
	if (ev & (1U << ACT_UNSHARE)) {
		add(&b, "unshare", DEC_UNSHARE, "rules: namespaces");
		clone_rows(&b);
	}
	if (ev & (1U << ACT_SETNS))
		add(&b, "setns", DEC_SETNS, "rules: namespaces");
	if (ev & (1U << ACT_DUP)) {
		for (unsigned fd = 0; fd < 3; fd++) {
			add_if(&b, "dup2", DEC_DUP, 1, 0xffffffffU, fd,
			       "rules: a descriptor onto 0, 1 or 2");
			add_if(&b, "dup3", DEC_DUP, 1, 0xffffffffU, fd,
			       "rules: a descriptor onto 0, 1 or 2");
		}
	}
	*out = (struct trace_spec){ b.rows, b.n, base->flags };
	return 0;
}

void rules_spec_free(struct trace_spec *spec)
{
	/* The rows are ours, allocated writable by rules_spec_build; the
	 * spec only lends them out read-only. */
	union {
		const struct spec_row *lent;
		struct spec_row *owned;
	} rows = { spec->rows };

	free(rows.owned);
	spec->rows = NULL;
	spec->n = 0;
}
