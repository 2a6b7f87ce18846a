/* fuzz_tracee_activity.c: libFuzzer target for the path from a stopped
 * syscall to the rules and the events: the registers and a small address
 * space come from the input; syscall_decode.c reads paths, socket
 * addresses and argv out of it, observe.c makes the activity (resolving
 * paths against this process, a harmless stand-in for the tracee: the
 * walk only opens with O_PATH), the built-in rules match it, and ocsf
 * builds its event and Findings, each of which must be one line of strict
 * JSON (json_doc.c: UTF-8, no duplicate keys).
 *
 * Input: [0] which syscall (a row of the spec the built-in rules make),
 * [1] flags (bit 0: 4-byte pointers; bit 1: the process is the main one),
 * [2..3] mapped-page bitmap (16 pages), [4..51] the six arguments (an
 * argument below 16 pages is taken as an offset into the address space,
 * so that pointers land), then the address space's bytes, repeated. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_space.h"
#include "event_line.h"
#include "identity.h"
#include "observe.h"
#include "ocsf.h"
#include "rules.h"
#include "rules_spec.h"
#include "syscall_decode.h"
#include "verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE 0x100000U

static void check_line(char *line, size_t len)
{
	cJSON_Delete(event_line_check(line, len));
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_space s = { .base = BASE };
	static struct tmem m;
	static struct ruleset rs;
	static struct trace_spec spec;
	static struct identity id;
	static struct observation o;
	static struct file_args file;
	struct ocsf_ctx c = { .cid = "0123456789abcdef0123456789abcdef-12", .container = "app",
			      .hostname = "h", .version = "0", .mode = "prevent" };
	struct sys_event ev = { 0 };
	struct observe_proc who;
	struct verdict v;
	size_t body, len;
	pid_t self = getpid();

	if (!spec.rows) {
		struct fc_err e = { 0 };

		if (ruleset_load_builtin(&rs, &e) < 0 || rules_spec_build(&rs, 1, 1, &spec, &e) < 0)
			abort();
		/* The sensitive files and program names of this host, by
		 * inode, as the sensor takes them at start. */
		identity_init(&id, &rs);
	}
	if (size < 53)
		return 0;
	ev.spec = &spec.rows[data[0] % spec.n];
	ev.row = data[0] % spec.n;
	ev.tid = self;
	ev.arch = 0xc000003eU; /* AUDIT_ARCH_X86_64 */
	ev.nr = (data[1] & 1) ? 0x40000000U : 0;
	s.mapped = (uint16_t)(data[2] | data[3] << 8);
	for (int i = 0; i < 6; i++) {
		uint64_t a;

		memcpy(&a, data + 4 + 8 * i, 8);
		ev.args[i] = a < FAKE_PAGES * TMEM_PAGE ? BASE + a : a;
	}
	body = size - 52;
	fake_space_fill(&s, data + 52, body);
	/* Descriptor arguments would reach this process's own descriptors
	 * (pidfd_getfd on listen): keep them to stdin's. */
	if (ev.spec->decoder == DEC_LISTEN || ev.spec->decoder == DEC_FCHMOD ||
	    ev.spec->decoder == DEC_FTRUNCATE)
		ev.args[0] = 0;

	if (decode_is_file(ev.spec->decoder))
		ev.u.file = &file;
	tmem_init(&m, (struct tmem_src){ fake_space_read, &s });
	syscall_decode(&m, &ev);
	who = (struct observe_proc){ .pid = self, .is_main = (data[1] & 2) != 0,
				     .exe = "/usr/bin/python3", .name = "python3",
				     .cmd_line = "python3 app.py" };
	if (observe(&ev, &who, &id, &o) == 0) {
		v = verdict_for(&rs, FC_MODE_PREVENT, &o.a);
		check_line(ocsf_activity(&c, &o.a, v.kind != VERDICT_ALLOW, &len), len);
		/* As on a shared stderr: the Finding must fit one pipe write. */
		c.finding_max = (data[1] & 4) ? 4076 : 0;
		for (size_t i = 0; i < v.n_match; i++) {
			char *f = ocsf_finding(&c, &rs.rules[v.match[i]], &o.a,
					       verdict_applies(&rs.rules[v.match[i]],
							       FC_MODE_PREVENT), &len);

			if (f && c.finding_max && len > c.finding_max)
				abort();
			check_line(f, len);
		}
		observation_done(&o);
	}
	if (ev.spec->decoder == DEC_EXECVE || ev.spec->decoder == DEC_EXECVEAT)
		exec_info_free(ev.u.exec);
	return 0;
}
