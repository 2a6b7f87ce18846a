/* test_registry_reply.c: registry replies as tables: which index entry a
 * task's cpuArchitecture picks (attestations and other OSes skipped, the
 * platforms listed when none fits), which manifests are accepted, what an
 * image config yields for ENTRYPOINT and CMD, and token and error bodies. */
#include "unit.h"

#include "registry_reply.h"

#define DA "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define DB "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define DC "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define DD "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"

#define E(d, os, arch) "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" d \
	"\",\"size\":1,\"platform\":{\"os\":\"" os "\",\"architecture\":\"" arch "\"}}"
#define EV(d, os, arch, v) "{\"digest\":\"" d "\",\"size\":1,\"platform\":{\"os\":\"" \
	os "\",\"architecture\":\"" arch "\",\"variant\":\"" v "\"}}"
#define ATT(d, arch) "{\"digest\":\"" d "\",\"size\":1,\"platform\":{\"os\":\"linux\"," \
	"\"architecture\":\"" arch "\"},\"annotations\":{\"vnd.docker.reference.type\":" \
	"\"attestation-manifest\"}}"
#define INDEX(...) "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX \
	"\",\"manifests\":[" __VA_ARGS__ "]}"

static const struct select_case {
	const char *what, *index, *arch;
	const char *digest; /* NULL: no entry fits */
	const char *error;  /* a piece of the message when none fits */
} select_cases[] = {
	{ "amd64 of four", INDEX(E(DA, "linux", "amd64") "," EV(DB, "linux", "arm64", "v8") ","
	  EV(DC, "linux", "arm", "v7") "," E(DD, "unknown", "unknown")), "X86_64", DA, NULL },
	{ "arm64/v8 of four", INDEX(E(DA, "linux", "amd64") "," EV(DB, "linux", "arm64", "v8") ","
	  EV(DC, "linux", "arm", "v7") "," E(DD, "unknown", "unknown")), "ARM64", DB, NULL },
	{ "arm64 without variant", INDEX(EV(DC, "linux", "arm", "v7") "," E(DB, "linux", "arm64")),
	  "ARM64", DB, NULL },
	{ "linux, not windows", INDEX(E(DA, "windows", "amd64") "," E(DB, "linux", "amd64")),
	  "X86_64", DB, NULL },
	{ "plain amd64 before amd64/v3", INDEX(EV(DA, "linux", "amd64", "v3") "," E(DB, "linux", "amd64")),
	  "X86_64", DB, NULL },
	{ "amd64/v2 when it is the only amd64", INDEX(EV(DA, "linux", "amd64", "v2")),
	  "X86_64", DA, NULL },
	{ "attestation annotated linux/amd64 is skipped",
	  INDEX(ATT(DA, "amd64") "," E(DB, "linux", "amd64")), "X86_64", DB, NULL },
	{ "an entry with a bad digest is not used",
	  INDEX("{\"digest\":\"sha256:zz\",\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
		E(DB, "linux", "amd64")), "X86_64", DB, NULL },
	{ "Docker manifest list", "{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_LIST
	  "\",\"manifests\":[" E(DA, "linux", "arm64") "," E(DB, "linux", "amd64") "]}",
	  "X86_64", DB, NULL },
	{ "no arm64: the others listed", INDEX(E(DA, "linux", "amd64") "," EV(DC, "linux", "arm", "v7")
	  "," E(DD, "unknown", "unknown")), "ARM64", NULL,
	  "no linux/arm64 variant, which the task's cpuArchitecture ARM64 needs; it has "
	  "linux/amd64, linux/arm/v7:" },
	{ "arm64/v9 is not v8", INDEX(EV(DA, "linux", "arm64", "v9")), "ARM64", NULL,
	  "it has linux/arm64/v9" },
	{ "no amd64: suggests ARM64", INDEX(E(DA, "linux", "arm64")), "X86_64", NULL,
	  "set runtimePlatform.cpuArchitecture to ARM64" },
	{ "attestations only", INDEX(E(DD, "unknown", "unknown")), "X86_64", NULL, "it has none" },
	{ "empty index", INDEX(), "X86_64", NULL, "it has none" },
};

static const struct manifest_case {
	const char *what, *body, *content_type;
	int is_index;
	const char *error; /* NULL: accepted */
} manifest_cases[] = {
	{ "OCI manifest", "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST
	  "\",\"config\":{\"digest\":\"" DA "\",\"size\":12},\"layers\":[]}", NULL, 0, NULL },
	{ "Docker schema 2", "{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_MANIFEST
	  "\",\"config\":{\"digest\":\"" DA "\",\"size\":12},\"layers\":[]}", NULL, 0, NULL },
	{ "OCI manifest typed by its Content-Type", "{\"schemaVersion\":2,\"config\":{\"digest\":\""
	  DA "\"}}", MT_OCI_MANIFEST "; charset=utf-8", 0, NULL },
	{ "OCI index with no mediaType", "{\"schemaVersion\":2,\"manifests\":[]}", NULL, 1, NULL },
	{ "schema 1", "{\"schemaVersion\":1,\"name\":\"x\"}", NULL, 0, "schema 1" },
	{ "unknown media type", "{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}", NULL, 0,
	  "sent a \"text/plain\"" },
	{ "manifest without config", "{\"mediaType\":\"" MT_OCI_MANIFEST "\"}", NULL, 0,
	  "no \"config\"" },
	{ "config digest not sha256", "{\"mediaType\":\"" MT_OCI_MANIFEST
	  "\",\"config\":{\"digest\":\"sha512:abc\"}}", NULL, 0, "only kind" },
	{ "config digest with a path in it", "{\"mediaType\":\"" MT_OCI_MANIFEST
	  "\",\"config\":{\"digest\":\"sha256:../../x\"}}", NULL, 0, "only kind" },
	{ "negative size", "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"digest\":\""
	  DA "\",\"size\":-1}}", NULL, 0, "whole number" },
	{ "fractional size", "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"digest\":\""
	  DA "\",\"size\":1.5}}", NULL, 0, "whole number" },
	{ "index without manifests", "{\"mediaType\":\"" MT_OCI_INDEX "\"}", NULL, 0,
	  "no \"manifests\"" },
	{ "index entry not an object", "{\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":[1]}",
	  NULL, 0, "not a JSON object" },
	{ "not JSON", "<html>", NULL, 0, "not valid JSON" },
	{ "a JSON array", "[]", NULL, 0, "not a JSON object" },
};

static const struct config_case {
	const char *what, *body;
	const char *ep, *cmd; /* printed JSON, or NULL for none */
	const char *platform;
	const char *error;
} config_cases[] = {
	{ "both", "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Entrypoint\":"
	  "[\"/e\",\"-x\"],\"Cmd\":[\"c\"]}}", "[\"/e\",\"-x\"]", "[\"c\"]", "linux/amd64", NULL },
	{ "null Entrypoint", "{\"config\":{\"Entrypoint\":null,\"Cmd\":[\"c\"]}}",
	  NULL, "[\"c\"]", "", NULL },
	{ "empty lists kept as empty", "{\"config\":{\"Entrypoint\":[],\"Cmd\":[]}}",
	  "[]", "[]", "", NULL },
	{ "no config object", "{\"architecture\":\"arm64\",\"os\":\"linux\"}", NULL, NULL,
	  "linux/arm64", NULL },
	{ "config null", "{\"config\":null}", NULL, NULL, "", NULL },
	{ "strings kept exactly", "{\"config\":{\"Cmd\":[\"a \\\"b\\\"\",\"\\u00e9\\n\",\"\"]}}",
	  NULL, "[\"a \\\"b\\\"\",\"\xc3\xa9\\n\",\"\"]", "", NULL },
	{ "Entrypoint a string", "{\"config\":{\"Entrypoint\":\"/e\"}}", NULL, NULL, "",
	  "config.Entrypoint is not a list of strings" },
	{ "Cmd with a number", "{\"config\":{\"Cmd\":[1]}}", NULL, NULL, "",
	  "config.Cmd is not a list of strings" },
	{ "config a list", "{\"config\":[]}", NULL, NULL, "", "not a JSON object" },
	{ "duplicate key", "{\"config\":{\"Cmd\":[\"a\"],\"Cmd\":[\"b\"]}}", NULL, NULL, "",
	  "twice" },
};

static char *printed(const cJSON *v)
{
	char *s = cJSON_PrintUnformatted(v);

	return s;
}

int main(void)
{
	for (size_t i = 0; i < sizeof select_cases / sizeof *select_cases; i++) {
		const struct select_case *c = &select_cases[i];
		struct manifest m;
		struct fc_err e = { 0 };

		if (!CHECK(reply_parse_manifest(c->index, strlen(c->index), NULL, &m, &e) == 0 &&
			   m.is_index, "index parses: %s", c->what)) {
			unit_diag("%s", e.msg);
			continue;
		}
		int k = reply_select_platform(&m, c->arch, &e);

		if (c->digest) {
			if (CHECK(k >= 0, "%s: an entry is chosen", c->what))
				unit_streq(m.entries[k].digest, c->digest, c->what);
			else
				unit_diag("%s", e.msg);
		} else if (!CHECK(k < 0 && e.kind == FC_ERR_LOOKUP && strstr(e.msg, c->error),
				  "%s: none fits, \"%s\"", c->what, c->error)) {
			unit_diag("got %d: %s", k, k < 0 ? e.msg : "");
		}
		manifest_free(&m);
	}
	for (size_t i = 0; i < sizeof manifest_cases / sizeof *manifest_cases; i++) {
		const struct manifest_case *c = &manifest_cases[i];
		struct manifest m;
		struct fc_err e = { 0 };
		int rc = reply_parse_manifest(c->body, strlen(c->body), c->content_type, &m, &e);

		if (c->error) {
			if (!CHECK(rc < 0 && e.kind == FC_ERR_LOOKUP && strstr(e.msg, c->error),
				   "manifest refused: %s", c->what))
				unit_diag("rc %d: %s", rc, rc < 0 ? e.msg : "");
		} else if (CHECK(rc == 0 && m.is_index == c->is_index, "manifest accepted: %s",
				 c->what) && !m.is_index) {
			unit_streq(m.config_digest, DA, c->what);
		} else if (rc < 0) {
			unit_diag("%s", e.msg);
		}
		manifest_free(&m);
	}
	for (size_t i = 0; i < sizeof config_cases / sizeof *config_cases; i++) {
		const struct config_case *c = &config_cases[i];
		cJSON *ep, *cmd;
		char platform[80], what[160];
		struct fc_err e = { 0 };
		int rc = reply_parse_config(c->body, strlen(c->body), &ep, &cmd, platform,
					    sizeof platform, &e);

		if (c->error) {
			if (!CHECK(rc < 0 && strstr(e.msg, c->error) && !ep && !cmd,
				   "config refused: %s", c->what))
				unit_diag("rc %d: %s", rc, rc < 0 ? e.msg : "");
			continue;
		}
		if (!CHECK(rc == 0, "config accepted: %s", c->what)) {
			unit_diag("%s", e.msg);
			continue;
		}
		char *pe = ep ? printed(ep) : NULL, *pc = cmd ? printed(cmd) : NULL;

		snprintf(what, sizeof what, "%s: Entrypoint", c->what);
		unit_streq(pe, c->ep, what);
		snprintf(what, sizeof what, "%s: Cmd", c->what);
		unit_streq(pc, c->cmd, what);
		snprintf(what, sizeof what, "%s: platform", c->what);
		unit_streq(platform, c->platform, what);
		free(pe);
		free(pc);
		cJSON_Delete(ep);
		cJSON_Delete(cmd);
	}

	static const struct { const char *body, *token; } tokens[] = {
		{ "{\"token\":\"t1\",\"expires_in\":300}", "t1" },
		{ "{\"access_token\":\"a1\"}", "a1" },
		{ "{\"token\":\"\",\"access_token\":\"a2\"}", "a2" },
		{ "{\"token\":\"t3\",\"access_token\":\"a3\"}", "t3" },
		{ "{}", NULL },
		{ "{\"token\":5}", NULL },
		{ "{\"token\":\"a\\r\\nX-Evil: 1\"}", NULL },
		{ "token", NULL },
	};
	for (size_t i = 0; i < sizeof tokens / sizeof *tokens; i++) {
		char *t = NULL;
		struct fc_err e = { 0 };
		int rc = reply_parse_token(tokens[i].body, strlen(tokens[i].body), &t, &e);

		if (tokens[i].token)
			unit_streq(rc == 0 ? t : NULL, tokens[i].token, tokens[i].body);
		else
			CHECK(rc < 0 && !t && e.kind == FC_ERR_LOOKUP, "token refused: %s",
			      tokens[i].body);
		free(t);
	}

	char code[64], msg[64];
	const char *err = "{\"errors\":[{\"code\":\"NAME_UNKNOWN\",\"message\":"
			  "\"repository name not known\\nto registry\",\"detail\":{}}]}";

	reply_error(err, strlen(err), code, sizeof code, msg, sizeof msg);
	unit_streq(code, "NAME_UNKNOWN", "error code");
	unit_streq(msg, "repository name not known to registry", "error message on one line");
	reply_error("<html>", 6, code, sizeof code, msg, sizeof msg);
	CHECK(!*code && !*msg, "an error body that is not JSON gives nothing");

	char tags[64];
	const char *tl = "{\"name\":\"r\",\"tags\":[\"1\",\"2\",\"latest\",\"x\"]}";

	reply_tags(tl, strlen(tl), 3, tags, sizeof tags);
	unit_streq(tags, "1, 2, latest, ...", "tag list: three, then ...");
	return unit_done();
}
