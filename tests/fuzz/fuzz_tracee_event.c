/* fuzz_tracee_event.c: libFuzzer target for the path from tracee memory to
 * an event line: the input is a small address space (which pages exist,
 * their bytes, where the path and the argv array are, 4- or 8-byte
 * pointers); tracee_mem.c reads the execve arguments out of it and ocsf.c
 * builds the Launch event. The caps must hold, and the line must be strict
 * JSON (json_doc.c: UTF-8, no duplicate keys) with the argc that was read.
 *
 * Input: [0..1] mapped-page bitmap (16 pages), [2] flags (bit 0: 4-byte
 * pointers), [3..4] path offset, [5..6] argv offset, then the bytes of the
 * address space, repeated to fill it. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_space.h"
#include "event_line.h"
#include "ocsf.h"
#include "tracee_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BASE 0x1000U

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake_space s = { .base = BASE };
	static struct tmem m;
	static char path[PATH_MAX_KEPT + 1];
	struct tstrv v = { 0 };
	struct ocsf_ctx c = { .cid = "0123456789abcdef0123456789abcdef-12", .container = "app",
			      .hostname = "h", .version = "0" };
	struct ocsf_launch l = { 0 };
	unsigned psize;
	uint64_t path_at, argv_at;
	size_t plen, len, body;
	char *line;
	cJSON *doc;

	if (size < 8)
		return 0;
	s.mapped = (uint16_t)(data[0] | data[1] << 8);
	psize = (data[2] & 1) ? 4 : 8;
	path_at = BASE + (uint64_t)(data[3] | data[4] << 8);
	argv_at = BASE + (uint64_t)(data[5] | data[6] << 8);
	body = size - 7;
	fake_space_fill(&s, data + 7, body);

	tmem_init(&m, (struct tmem_src){ fake_space_read, &s });
	l.exec_path_flags = tmem_string(&m, path_at, path, PATH_MAX_KEPT, &plen);
	if (plen > PATH_MAX_KEPT || path[plen] != '\0')
		abort();
	if (tmem_strv(&m, argv_at, psize, &v) < 0)
		abort(); /* out of memory: not in a fuzzer */
	if (v.n > ARGV_MAX_ENTRIES || v.used > ARGV_MAX_TOTAL || v.n > v.count ||
	    v.count > ARGV_COUNT_MAX)
		abort();
	for (size_t i = 0; i < v.n; i++)
		if (v.len[i] > ARGV_MAX_ENTRY || v.off[i] + v.len[i] >= v.used + 1 ||
		    v.buf[v.off[i] + v.len[i]] != '\0')
			abort();

	l.time_ms = 1;
	l.pid = 2;
	l.tid = 2;
	l.ppid = 1;
	l.exe = path;  /* arbitrary bytes in every string field */
	l.cwd = path;
	l.uid = 0;
	l.euid = 0;
	l.argv = &v;
	l.exec_path = path;
	l.exec_path_len = plen;
	l.actor = (struct ocsf_proc){ .pid = 2, .exe = path, .cmd_line = path };
	l.parent = (struct ocsf_proc){ .pid = 1 };
	line = ocsf_launch(&c, &l, &len);
	doc = event_line_check(line, len);
	{
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(doc, "unmapped");
		const cJSON *argc = cJSON_GetObjectItemCaseSensitive(u, "argc");
		const cJSON *cut = cJSON_GetObjectItemCaseSensitive(u, "argv_truncated");
		int shown = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(u, "argv"));
		char want[32];

		/* Every argument kept is shown, unless the event says it cut
		 * them (an event carries the first 16 KiB of argv). */
		snprintf(want, sizeof want, "%llu", (unsigned long long)v.count);
		if (!argc || !cJSON_IsRaw(argc) || strcmp(argc->valuestring, want) != 0 ||
		    shown > (int)v.n || (shown != (int)v.n && !cJSON_IsTrue(cut)))
			abort();
	}
	cJSON_Delete(doc);
	free(line);
	tstrv_free(&v);
	return 0;
}
