/* fuzz_pulltoken.c: libFuzzer target for credentials input: the -pulltoken
 * value (base64, then docker config JSON), a docker config.json file as it
 * is, the lookups of entries and helpers in it, a credential helper's
 * reply, and base64 itself. Beyond "no crash, no leak": every config that
 * parses has an entry for each of its own keys, entries decode without
 * failing, and base64 round-trips the input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "cred_helper.h"
#include "docker_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const cJSON *cfg)
{
	const cJSON *entry;
	static const char *const keys[] = {
		"https://index.docker.io/v1/", "localhost:5000", "ghcr.io",
		"123456789012.dkr.ecr.us-east-1.amazonaws.com",
	};

	cJSON_ArrayForEach(entry, cJSON_GetObjectItemCaseSensitive(cfg, "auths")) {
		char *user, *secret;
		int identity, from_store;

		if (!docker_config_auths_entry(cfg, entry->string, NULL))
			abort(); /* its own key must find an entry */
		int rc = docker_config_entry_creds(entry, &user, &secret, &identity);

		if (rc < 0)
			abort(); /* parse checked every "auth": only memory can fail */
		if (rc > 0 && (!user || !secret))
			abort();
		free(user);
		free(secret);
		const char *h = docker_config_helper(cfg, entry->string, &from_store);

		if (h && (!*h || strchr(h, '/')))
			abort(); /* the name becomes a program name */
	}
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
		int from_store;

		docker_config_auths_entry(cfg, keys[i], NULL);
		docker_config_helper(cfg, keys[i], &from_store);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct fc_err e = { 0 };
	cJSON *cfg;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	/* The flag value: a C string, so it ends at the first NUL. */
	cfg = pulltoken_decode(text, &e);
	if (cfg) {
		if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(cfg, "auths")))
			abort();
		walk(cfg);
		cJSON_Delete(cfg);
	} else if (e.kind != FC_ERR_USAGE && e.kind != FC_ERR_SYSTEM) {
		abort();
	}

	/* A config file: every byte counts. */
	cfg = docker_config_parse(text, size, "fuzz config", FC_ERR_INPUT, &e);
	if (cfg) {
		walk(cfg);
		cJSON_Delete(cfg);
	}

	char *user, *secret;
	int identity;

	if (cred_helper_parse_reply(text, size, &user, &secret, &identity) > 0) {
		free(user);
		free(secret);
	}

	char *enc = base64_encode(data, size);
	size_t n, bad;
	unsigned char *dec = enc ? base64_decode(enc, strlen(enc), &n, &bad) : NULL;

	if (enc && (!dec || n != size || memcmp(dec, data, size) != 0))
		abort();
	free(enc);
	free(dec);
	free(text);
	return 0;
}
