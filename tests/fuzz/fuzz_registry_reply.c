/* fuzz_registry_reply.c: libFuzzer target for everything parsed from a
 * registry's replies: manifests and indexes (with both platform choices),
 * image configs, token server replies, error bodies and tag lists. The
 * first byte picks the Content-Type header the reply comes with; the rest
 * is the body. Beyond "no crash, no leak", it checks what the registry
 * client relies on: a chosen entry fits the task's platform, every digest
 * that reaches a URL is sha256:<64 hex>, ENTRYPOINT/CMD are string lists,
 * and a token has no control characters (it goes into a header). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "registry_reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const content_types[] = {
	NULL, MT_OCI_INDEX, MT_DOCKER_LIST, MT_OCI_MANIFEST,
	MT_DOCKER_MANIFEST "; charset=utf-8", "application/json", "",
};

static void check_manifest(const char *body, size_t len, const char *ct)
{
	struct manifest m;
	struct fc_err e = { 0 };

	if (reply_parse_manifest(body, len, ct, &m, &e) < 0) {
		if (m.entries || e.kind == FC_ERR_NONE)
			abort();
		return;
	}
	if (!m.is_index) {
		if (!reply_is_sha256_digest(m.config_digest) || m.config_size < -1)
			abort();
	} else {
		static const char *const arches[] = { "X86_64", "ARM64" };

		for (int a = 0; a < 2; a++) {
			int k = reply_select_platform(&m, arches[a], &e);

			if (k < 0)
				continue;
			const struct index_entry *x = &m.entries[k];

			if (k >= m.n || !reply_is_sha256_digest(x->digest) ||
			    strcmp(x->os, "linux") != 0 || x->attestation ||
			    strcmp(x->arch, reply_docker_arch(arches[a])) != 0)
				abort();
		}
	}
	manifest_free(&m);
}

static void check_config(const char *body, size_t len)
{
	cJSON *ep, *cmd;
	char platform[80];
	struct fc_err e = { 0 };

	if (reply_parse_config(body, len, &ep, &cmd, platform, sizeof platform, &e) < 0) {
		if (ep || cmd)
			abort();
		return;
	}
	if ((ep && !json_doc_is_string_array(ep)) || (cmd && !json_doc_is_string_array(cmd)) ||
	    strlen(platform) >= sizeof platform)
		abort();
	cJSON_Delete(ep);
	cJSON_Delete(cmd);
}

static void check_token(const char *body, size_t len)
{
	char *token = NULL;
	struct fc_err e = { 0 };

	if (reply_parse_token(body, len, &token, &e) < 0) {
		if (token)
			abort();
		return;
	}
	for (const char *p = token; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			abort();
	free(token);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char code[64], message[200], tags[200];

	if (size == 0)
		return 0;
	const char *ct = content_types[data[0] % (sizeof content_types / sizeof *content_types)];
	/* An exact-size copy, so reads past the end are caught. */
	char *body = malloc(size - 1 ? size - 1 : 1);

	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	check_manifest(body, size - 1, ct);
	check_config(body, size - 1);
	check_token(body, size - 1);
	reply_error(body, size - 1, code, sizeof code, message, sizeof message);
	reply_tags(body, size - 1, 5, tags, sizeof tags);
	if (strlen(code) >= sizeof code || strlen(message) >= sizeof message ||
	    strlen(tags) >= sizeof tags)
		abort();
	free(body);
	return 0;
}
