/* test_sensor_json.c: the sensor's JSON writer and its OCSF events, as
 * tables: tracee bytes in, JSON text out (escapes, UTF-8 repair); then
 * whole events, which the strict parser (json_doc.c) must accept with the
 * fields OCSF wants. */
#include "unit.h"

#include <sys/wait.h>

#include "json_doc.h"
#include "json_out.h"
#include "utf8.h"
#include "ocsf.h"

static const struct {
	const char *in;
	size_t n;
	const char *want;
} strings[] = {
	{ "", 0, "\"\"" },
	{ "plain", 5, "\"plain\"" },
	{ "q\"b\\", 4, "\"q\\\"b\\\\\"" },
	{ "\n\t\r", 3, "\"\\n\\t\\r\"" },
	{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"" },
	{ "a\0b", 3, "\"a\\u0000b\"" },
	/* Valid UTF-8 passes as it is. */
	{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },
	{ "\xe2\x82\xac\xf0\x9f\x92\xa9", 7, "\"\xe2\x82\xac\xf0\x9f\x92\xa9\"" },
	{ "\xef\xbf\xbf", 3, "\"\xef\xbf\xbf\"" },
	{ "\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"" },
	/* Each bad byte becomes U+FFFD. */
	{ "\xff", 1, "\"\xef\xbf\xbd\"" },
	{ "\x80x", 2, "\"\xef\xbf\xbdx\"" },
	{ "\xc0\xaf", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"" },            /* overlong '/' */
	{ "\xe0\x80\xaf", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" }, /* overlong */
	{ "\xed\xa0\x80", 3, "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" }, /* surrogate */
	{ "\xf4\x90\x80\x80", 4,
	  "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },        /* > U+10FFFF */
	{ "\xe2\x82", 2, "\"\xef\xbf\xbd\xef\xbf\xbd\"" },              /* cut short */
	{ "\xc3", 1, "\"\xef\xbf\xbd\"" },
};

static void test_strings(void)
{
	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++) {
		struct jout j;
		char *line;
		size_t len;
		char want[128];

		jout_init(&j, 4096);
		jout_arr_begin(&j);
		jout_bytes(&j, strings[i].in, strings[i].n);
		jout_arr_end(&j);
		line = jout_take_line(&j, &len);
		snprintf(want, sizeof want, "[%s]\n", strings[i].want);
		unit_streq(line, want, "string table row");
		free(line);
	}
}

static void test_structure(void)
{
	struct jout j;
	char *line;
	size_t len;

	jout_init(&j, 4096);
	jout_obj_begin(&j);
	jout_kint(&j, "a", -5);
	jout_karr(&j, "b");
	jout_int(&j, 1);
	jout_str(&j, NULL);
	jout_obj_begin(&j);
	jout_obj_end(&j);
	jout_arr_end(&j);
	jout_kbool(&j, "c", 1);
	jout_kobj(&j, "d");
	jout_kstr(&j, "e", "f");
	jout_obj_end(&j);
	jout_obj_end(&j);
	line = jout_take_line(&j, &len);
	unit_streq(line, "{\"a\":-5,\"b\":[1,null,{}],\"c\":true,\"d\":{\"e\":\"f\"}}\n",
		   "commas and nesting");
	CHECK(line && len == strlen(line), "the length is the line's");
	free(line);

	jout_init(&j, 4096);
	jout_obj_begin(&j);
	CHECK(jout_take_line(&j, &len) == NULL, "an unclosed document is refused");
	jout_init(&j, 4096);
	jout_obj_begin(&j);
	jout_key(&j, "k");
	jout_obj_end(&j);
	CHECK(jout_take_line(&j, &len) == NULL, "a key without a value is refused");
	jout_init(&j, 64);
	jout_arr_begin(&j);
	for (int i = 0; i < 100; i++)
		jout_str(&j, "0123456789");
	jout_arr_end(&j);
	CHECK(jout_take_line(&j, &len) == NULL, "a document over its size limit is refused");
	jout_init(&j, 4096);
	for (int i = 0; i < JOUT_MAX_DEPTH + 1; i++)
		jout_arr_begin(&j);
	for (int i = 0; i < JOUT_MAX_DEPTH + 1; i++)
		jout_arr_end(&j);
	CHECK(jout_take_line(&j, &len) == NULL, "nesting beyond the limit is refused");
}

/* utf8_seq_len against an independent decoder over every 1-3 byte lead
 * combination worth trying. */
static size_t ref_len(const unsigned char *s, size_t n)
{
	unsigned cp, need;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		need = 2;
		cp = s[0] & 0x1fU;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 3;
		cp = s[0] & 0x0fU;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 4;
		cp = s[0] & 0x07U;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (unsigned i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3fU);
	}
	if ((need == 2 && cp < 0x80) || (need == 3 && cp < 0x800) ||
	    (need == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

static void test_utf8_exhaustive(void)
{
	unsigned long bad = 0, tried = 0;
	unsigned char s[4];

	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++)
			for (unsigned c = 0x70; c < 0xc8; c += 0x0f) {
				s[0] = (unsigned char)a;
				s[1] = (unsigned char)b;
				s[2] = (unsigned char)c;
				s[3] = 0x80;
				for (size_t n = 1; n <= 4; n++) {
					tried++;
					if (utf8_seq_len(s, n) != ref_len(s, n))
						bad++;
				}
			}
	CHECK(bad == 0, "utf8_seq_len agrees with a reference decoder on %lu inputs", tried);
}

static const char *str_at(const cJSON *o, const char *path)
{
	char buf[128], *save = NULL;
	const cJSON *v = o;

	snprintf(buf, sizeof buf, "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
		v = cJSON_GetObjectItemCaseSensitive(v, k);
	return v && cJSON_IsString(v) ? v->valuestring : v && cJSON_IsRaw(v) ?
		v->valuestring : NULL;
}

static int true_at(const cJSON *o, const char *path)
{
	char buf[128], *save = NULL;
	const cJSON *v = o;

	snprintf(buf, sizeof buf, "%s", path);
	for (char *k = strtok_r(buf, ".", &save); k && v; k = strtok_r(NULL, ".", &save))
		v = cJSON_GetObjectItemCaseSensitive(v, k);
	return v && cJSON_IsTrue(v);
}

static void test_events(void)
{
	char *tags[] = { "web", "prod" };
	struct ocsf_ctx c = { .cid = "0123456789abcdef0123456789abcdef-12", .tags = tags,
			      .n_tags = 2, .container = "app", .hostname = "host",
			      .version = "0.1.0" };
	static char args[] = "ls\0\xff\xfe\0q\"\\\0\x01";
	struct tstrv v = { 0 };
	struct ocsf_launch l = { 0 };
	struct ocsf_terminate t = { 0 };
	struct fc_err e = { 0 };
	size_t len;
	char *line;
	cJSON *doc;

	v.buf = args;
	v.n = 4;
	v.count = 4;
	v.off[0] = 0, v.len[0] = 2;
	v.off[1] = 3, v.len[1] = 2;
	v.off[2] = 6, v.len[2] = 3;
	v.off[3] = 10, v.len[3] = 1;
	l = (struct ocsf_launch){
		.time_ms = 1700000000123ULL, .pid = 41, .tid = 43, .ppid = 40,
		.exe = "/bin/ls", .cwd = "/w\xffrk", .uid = 0, .euid = 0, .argv = &v,
		.exec_path = "/bin/ls", .exec_path_len = 7,
		.actor = { .pid = 41, .exe = "/bin/sh", .cmd_line = "sh -c ls" },
		.parent = { .pid = 40 } };
	line = ocsf_launch(&c, &l, &len);
	doc = line ? json_doc_parse(line, len - 1, "launch event", &e) : NULL;
	if (!CHECK(doc != NULL, "a Launch with hostile bytes is strict JSON"))
		unit_diag("%s: %s", e.msg, line ? line : "(null)");
	if (doc) {
		unit_streq(str_at(doc, "class_uid"), "1007", "Launch: class_uid 1007");
		unit_streq(str_at(doc, "activity_id"), "1", "Launch: activity 1");
		unit_streq(str_at(doc, "type_uid"), "100701", "Launch: type_uid 100701");
		unit_streq(str_at(doc, "time"), "1700000000123", "Launch: time in ms");
		unit_streq(str_at(doc, "metadata.tenant_uid"), c.cid, "Launch: the CID");
		unit_streq(str_at(doc, "device.container.name"), "app", "Launch: the container");
		unit_streq(str_at(doc, "process.pid"), "41", "Launch: pid");
		unit_streq(str_at(doc, "process.tid"), "43", "Launch: the executing thread");
		unit_streq(str_at(doc, "process.parent_process.pid"), "40", "Launch: ppid");
		unit_streq(str_at(doc, "process.file.path"), "/bin/ls", "Launch: exe");
		unit_streq(str_at(doc, "process.user.uid"), "0", "Launch: uid as a string");
		unit_streq(str_at(doc, "process.working_directory"), "/w\xef\xbf\xbdrk",
			   "Launch: cwd repaired");
		unit_streq(str_at(doc, "process.cmd_line"),
			   "ls \xef\xbf\xbd\xef\xbf\xbd q\"\\ \x01", "Launch: cmd_line");
		unit_streq(str_at(doc, "actor.process.file.path"), "/bin/sh",
			   "Launch: the actor is the image before the exec");
		unit_streq(str_at(doc, "unmapped.argc"), "4", "Launch: argc");
		CHECK(!true_at(doc, "unmapped.entered_from_outside"),
		      "Launch: a process of the application has not entered from outside");
		CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(
			      cJSON_GetObjectItem(doc, "metadata"), "labels")) == 2,
		      "Launch: the tags are labels");
		cJSON_Delete(doc);
	}
	free(line);

	/* An entrant found running (entrants.h). */
	l.entered_ms = 1700000000001ULL;
	l.attached = 1;
	line = ocsf_launch(&c, &l, &len);
	doc = line ? json_doc_parse(line, len - 1, "launch event", &e) : NULL;
	if (CHECK(doc != NULL, "an entrant's Launch is strict JSON")) {
		CHECK(true_at(doc, "unmapped.entered_from_outside"),
		      "Launch: an entrant is marked as entered from outside");
		unit_streq(str_at(doc, "unmapped.entered_at"), "1700000000001",
			   "Launch: when it entered, in ms");
		CHECK(true_at(doc, "unmapped.attached"),
		      "Launch: an entrant found running is marked as attached");
		cJSON_Delete(doc);
	}
	free(line);

	t = (struct ocsf_terminate){ .time_ms = 1700000000999ULL, .pid = 41, .ppid = 40,
				     .exe = "/bin/ls", .cmd_line = "ls -l" };
	t.wait_status = 3 << 8; /* exited 3 */
	line = ocsf_terminate(&c, &t, &len);
	doc = line ? json_doc_parse(line, len - 1, "terminate event", &e) : NULL;
	CHECK(doc && str_at(doc, "exit_code") && strcmp(str_at(doc, "exit_code"), "3") == 0 &&
	      strcmp(str_at(doc, "type_uid"), "100702") == 0,
	      "Terminate after exit 3: exit_code 3, type_uid 100702");
	cJSON_Delete(doc);
	free(line);
	t.wait_status = SIGKILL;
	line = ocsf_terminate(&c, &t, &len);
	doc = line ? json_doc_parse(line, len - 1, "terminate event", &e) : NULL;
	CHECK(doc && !cJSON_GetObjectItem(doc, "exit_code") &&
	      strcmp(str_at(doc, "unmapped.signal_name"), "SIGKILL") == 0,
	      "Terminate after SIGKILL: no exit code, the signal");
	cJSON_Delete(doc);
	free(line);
}

/* The caps that keep a Finding within one atomic pipe write: strings cut
 * at a UTF-8 boundary, arrays keep their first strings, names never cut,
 * every cut counted, the line still valid JSON. */
static void test_caps(void)
{
	static const char euro8[] = "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"; /* 9 bytes */
	struct ocsf_ctx c = { .cid = "0123456789abcdef0123456789abcdef-12", .version = "0.1.0" };
	struct ocsf_counters k = { 0 };
	struct jout j;
	size_t len;
	char *line;

	jout_init(&j, 4096);
	jout_set_caps(&j, 4, 2);
	jout_obj_begin(&j);
	jout_kstr(&j, "a_long_member_name", "abcdefgh");
	jout_key(&j, "euro");
	jout_bytes(&j, euro8, sizeof euro8 - 1);
	jout_karr(&j, "argv");
	jout_str(&j, "1");
	jout_str(&j, "2");
	jout_str(&j, "3");
	jout_str(&j, "4");
	jout_arr_end(&j);
	jout_kstr(&j, "after", "ok");
	jout_obj_end(&j);
	CHECK(j.cut == 4, "caps: one cut string, one cut at a boundary, two items left out (%zu)",
	      j.cut);
	line = jout_take_line(&j, &len);
	unit_streq(line, "{\"a_long_member_name\":\"abcd\",\"euro\":\"\xe2\x82\xac\","
		   "\"argv\":[\"1\",\"2\"],\"after\":\"ok\"}\n",
		   "caps: strings cut whole characters, arrays keep their first items, names whole");
	free(line);

	line = ocsf_lifecycle(&c, 1, 3, "start", &k, &len);
	CHECK(line && !ocsf_line_is_finding(line, len), "a lifecycle line is not a Finding");
	CHECK(line && strstr(line, "\"sequence\":0"), "a line leaves its number to the sink");
	free(line);
	CHECK(ocsf_line_is_finding("{\"time\":1,\"category_uid\":2,\"x\":1}\n", 34),
	      "a line of category 2 is a Finding");
	CHECK(!ocsf_line_is_finding("{\"time\":1,\"category_uid\":20}\n", 29),
	      "category 20 is not 2");
}

/* The writer's rules one byte at a time, as a reference for its fast
 * paths (whole words of plain bytes, whole plain strings). */
static size_t ref_string(const unsigned char *s, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i = 0;

	out[o++] = '"';
	while (i < n) {
		unsigned char c = s[i];
		size_t seq = c >= 0x80 ? utf8_seq_len(s + i, n - i) : 0;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			out[o++] = (char)c;
		} else if (seq > 0) {
			memcpy(out + o, s + i, seq);
			o += seq;
			i += seq;
			continue;
		} else if (c == '"' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else if (c == '\n' || c == '\t' || c == '\r') {
			out[o++] = '\\';
			out[o++] = c == '\n' ? 'n' : c == '\t' ? 't' : 'r';
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(out + o, "\\u00", 4);
			out[o + 4] = hex[c >> 4];
			out[o + 5] = hex[c & 15];
			o += 6;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
		}
		i++;
	}
	out[o++] = '"';
	return o;
}

/* Strings of 0 to 40 bytes, mostly plain, with one or two bytes of every
 * kind (controls, DEL, '"', '\\', high bytes, valid UTF-8) at every
 * place: the output is the reference's, as a value and as a key. */
static void test_fast_paths(void)
{
	static const unsigned char odd[] = { 0, 0x1f, 0x20, 0x21, '"', '#', '\\', 0x7e,
					     0x7f, 0x80, 0xc3, 0xe2, 0xff };
	unsigned char in[41];
	char want[41 * 6 + 8], got[41 * 6 + 8];
	size_t bad = 0, runs = 0;

	for (size_t n = 0; n <= 40; n++)
		for (size_t at = 0; at <= n; at++)
			for (size_t k = 0; k < sizeof odd; k++) {
				struct jout j;
				char *line;
				size_t len, wn;

				for (size_t i = 0; i < n; i++)
					in[i] = (unsigned char)('a' + i % 26);
				if (at < n) {
					in[at] = odd[k];
					if (odd[k] == 0xc3 && at + 1 < n)
						in[at + 1] = 0xa9; /* a valid two-byte sequence */
				}
				wn = ref_string(in, n, want);
				snprintf(got, sizeof got, "[%.*s]\n", (int)wn, want);
				jout_init(&j, 4096);
				jout_arr_begin(&j);
				jout_bytes(&j, in, n);
				jout_arr_end(&j);
				line = jout_take_line(&j, &len);
				runs++;
				if (!line || strcmp(line, got) != 0)
					bad++;
				free(line);
			}
	CHECK(bad == 0, "fast paths: %zu strings written as the reference writes them", runs);
}

int main(void)
{
	test_strings();
	test_fast_paths();
	test_structure();
	test_utf8_exhaustive();
	test_events();
	test_caps();
	return unit_done();
}
