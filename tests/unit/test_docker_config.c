/* test_docker_config.c: pull tokens and docker config.json as tables: each
 * malformed part is refused with a message naming it, the guide's own
 * recipe (with echo's trailing newline) works, and registries find their
 * "auths" entry and credential helper the way docker finds them. Also the
 * base64 and sha256 digests underneath, against known vectors. */
#include "unit.h"

#include "base64.h"
#include "digest.h"
#include "docker_config.h"

/* base64 of text, for building tokens in the table. */
static char *b64(const char *text)
{
	return base64_encode(text, strlen(text));
}

static const struct token_case {
	const char *config; /* the JSON inside the token; NULL: use raw */
	const char *raw;    /* the flag value as given */
	const char *error;  /* NULL: accepted */
} token_cases[] = {
	{ "{\"auths\":{\"h\":{\"auth\":\"dTpw\"}}}", NULL, NULL },
	{ "{\"auths\":{}}", NULL, NULL },
	{ "{\"auths\":{\"h\":{\"username\":\"u\",\"password\":\"p\"}}}", NULL, NULL },
	{ "{\"auths\":{\"h\":{\"auth\":\"\"}},\"credsStore\":\"desktop\"}", NULL, NULL },
	{ NULL, "%%%not-base64%%%", "is not base64: character 1 is '%'" },
	{ NULL, "eyJhdXRocyI6e319!", "is not base64: character 17 is '!'" },
	{ NULL, "eyJhd", "cut short" },
	{ NULL, "{\"auths\":{}}", "is JSON, not base64" },
	{ NULL, "", "is empty" },
	{ "not json", NULL, "(decoded from base64) is not valid JSON" },
	{ "[1,2]", NULL, "is not a JSON object" },
	{ "{\"auth\":\"x\"}", NULL, "has no \"auths\" object" },
	{ "{\"auths\":[]}", NULL, "\"auths\" is not a JSON object" },
	{ "{\"auths\":{\"h\":\"x\"}}", NULL, "entry \"h\" is not a JSON object" },
	{ "{\"auths\":{\"h\":{\"auth\":5}}}", NULL, "\"auth\" of \"auths\" entry \"h\" is not a string" },
	{ "{\"auths\":{\"h\":{\"auth\":\"@@@\"}}}", NULL, "the \"auth\" of \"h\" is not base64" },
	{ "{\"auths\":{\"h\":{\"auth\":\"bm9jb2xvbg==\"}}}", NULL, "no ':' in it" },
	{ "{\"auths\":{\"h\":{}},\"credHelpers\":{\"h\":\"../evil\"}}", NULL, "helper name" },
	{ "{\"auths\":{\"h\":{}},\"credsStore\":\"a b\"}", NULL, "helper name" },
	{ "{\"auths\":{},\"auths\":{}}", NULL, "twice" },
};

static void check_tokens(void)
{
	for (size_t i = 0; i < sizeof token_cases / sizeof *token_cases; i++) {
		const struct token_case *c = &token_cases[i];
		char *tok = c->config ? b64(c->config) : strdup(c->raw);
		struct fc_err e = { 0 };
		cJSON *cfg = pulltoken_decode(tok, &e);
		const char *shown = c->config ? c->config : c->raw;

		if (c->error) {
			if (!CHECK(!cfg && e.kind == FC_ERR_USAGE && strstr(e.msg, c->error),
				   "pull token %s: refused, \"%s\"", shown, c->error))
				unit_diag("message: %s", cfg ? "(accepted)" : e.msg);
		} else if (!CHECK(cfg != NULL, "pull token %s: accepted", shown)) {
			unit_diag("message: %s", e.msg);
		}
		cJSON_Delete(cfg);
		free(tok);
	}
}

/* The guide: PULL_TOKEN=$(echo "{...\"auth\": \"$(echo AWS:$PW|base64 -w 0)\"}}}" | base64 -w 0) */
static void check_guide_recipe(void)
{
	char *auth = b64("AWS:ecr-password-123\n"), json[512], *tok, *user, *secret;
	int identity;
	struct fc_err e = { 0 };

	snprintf(json, sizeof json,
		 "{\"auths\":{\"123456789012.dkr.ecr.us-east-1.amazonaws.com\":"
		 "{\"auth\": \"%s\"}}}\n", auth);
	tok = b64(json);
	cJSON *cfg = pulltoken_decode(tok, &e);
	const cJSON *entry = docker_config_auths_entry(
		cfg, "123456789012.dkr.ecr.us-east-1.amazonaws.com", NULL);

	if (CHECK(entry != NULL, "the guide's recipe gives an auths entry for the ECR host") &&
	    CHECK(docker_config_entry_creds(entry, &user, &secret, &identity) == 1,
		  "the entry has credentials")) {
		unit_streq(user, "AWS", "user from the guide's recipe");
		unit_streq(secret, "ecr-password-123",
			   "password without the newline echo added");
		free(user);
		free(secret);
	}
	cJSON_Delete(cfg);
	free(tok);
	/* The same token wrapped at 76 columns by plain `base64`. */
	size_t n = strlen(json);
	char *enc = base64_encode(json, n), wrapped[2048] = "";

	for (size_t i = 0, o = 0; enc[i]; i++) {
		wrapped[o++] = enc[i];
		if (i % 76 == 75)
			wrapped[o++] = '\n';
	}
	cfg = pulltoken_decode(wrapped, &e);
	CHECK(cfg != NULL, "a token wrapped at 76 columns is accepted");
	cJSON_Delete(cfg);
	free(enc);
	free(auth);
}

static const char lookup_config[] =
	"{\"auths\":{"
	"\"https://index.docker.io/v1/\":{\"auth\":\"aHViOmh1YnB3\"},"
	"\"https://quay.io/v2/\":{\"username\":\"q\",\"password\":\"qp\"},"
	"\"ghcr.io\":{\"identitytoken\":\"refresh-tok\"},"
	"\"empty.io\":{},"
	"\"localhost:5000\":{\"auth\":\"bG9jYWw6cHc=\"}},"
	"\"credHelpers\":{\"123456789012.dkr.ecr.us-east-1.amazonaws.com\":\"ecr-login\"},"
	"\"credsStore\":\"pass\"}";

static const struct lookup_case {
	const char *key;
	const char *user, *secret; /* NULL: no credentials in auths */
	int identity;
	const char *helper; /* NULL: none */
	int from_store;
} lookup_cases[] = {
	{ "https://index.docker.io/v1/", "hub", "hubpw", 0, "pass", 1 },
	{ "quay.io", "q", "qp", 0, "pass", 1 },
	{ "ghcr.io", "", "refresh-tok", 1, "pass", 1 },
	{ "empty.io", NULL, NULL, 0, "pass", 1 },
	{ "localhost:5000", "local", "pw", 0, "pass", 1 },
	{ "localhost:5001", NULL, NULL, 0, "pass", 1 },
	{ "123456789012.dkr.ecr.us-east-1.amazonaws.com", NULL, NULL, 0, "ecr-login", 0 },
};

static void check_lookups(void)
{
	struct fc_err e = { 0 };
	cJSON *cfg = docker_config_parse(lookup_config, strlen(lookup_config),
					 "test config", FC_ERR_INPUT, &e);

	if (!CHECK(cfg != NULL, "docker config with every kind of entry parses")) {
		unit_diag("%s", e.msg);
		return;
	}
	for (size_t i = 0; i < sizeof lookup_cases / sizeof *lookup_cases; i++) {
		const struct lookup_case *c = &lookup_cases[i];
		const cJSON *entry = docker_config_auths_entry(cfg, c->key, NULL);
		char *user = NULL, *secret = NULL;
		int identity = 0, from_store = -1;
		int rc = entry ? docker_config_entry_creds(entry, &user, &secret, &identity) : 0;
		char what[200];

		snprintf(what, sizeof what, "%s: user", c->key);
		unit_streq(rc == 1 ? user : NULL, c->user, what);
		snprintf(what, sizeof what, "%s: secret", c->key);
		unit_streq(rc == 1 ? secret : NULL, c->secret, what);
		CHECK(identity == c->identity, "%s: identity token %d", c->key, c->identity);
		snprintf(what, sizeof what, "%s: helper", c->key);
		unit_streq(docker_config_helper(cfg, c->key, &from_store), c->helper, what);
		CHECK(from_store == c->from_store, "%s: helper from %s", c->key,
		      c->from_store ? "credsStore" : "credHelpers");
		free(user);
		free(secret);
	}
	cJSON_Delete(cfg);
}

static void check_vectors(void)
{
	static const struct { const char *in, *out; } b64v[] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" }, { "foo", "Zm9v" },
		{ "foob", "Zm9vYg==" }, { "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	for (size_t i = 0; i < sizeof b64v / sizeof *b64v; i++) {
		char *enc = base64_encode(b64v[i].in, strlen(b64v[i].in));
		size_t n, bad;
		unsigned char *dec = base64_decode(b64v[i].out, strlen(b64v[i].out), &n, &bad);

		unit_streq(enc, b64v[i].out, "base64 RFC 4648 vector");
		CHECK(dec && n == strlen(b64v[i].in) && memcmp(dec, b64v[i].in, n) == 0,
		      "base64 decodes \"%s\"", b64v[i].out);
		free(enc);
		free(dec);
	}
	size_t n, bad;
	unsigned char *dec = base64_decode("Zm9vYg", 6, &n, &bad);

	CHECK(dec && n == 4, "base64 without padding decodes");
	free(dec);
	CHECK(!base64_decode("Zm9vY", 5, &n, &bad) && bad == 5, "base64 of 5 digits: bad length");
	CHECK(!base64_decode("Zg=a", 4, &n, &bad) && bad == 3, "base64 digit after padding");
	CHECK(!base64_decode("Z===", 4, &n, &bad), "base64 with three '='");

	static const struct { const char *in, *hex; } shav[] = {
		{ "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	};
	for (size_t i = 0; i < sizeof shav / sizeof *shav; i++) {
		char d[72];

		CHECK(digest_sha256_string(shav[i].in, strlen(shav[i].in), d) == 0,
		      "sha256 of \"%s\" computed", shav[i].in);
		CHECK(strncmp(d, "sha256:", 7) == 0, "digest names its algorithm");
		unit_streq(d + 7, shav[i].hex, "sha256 FIPS 180-4 vector");
	}
	/* A million 'a's: a body bigger than any one buffer inside. */
	char *big = malloc(1000000), d[72];

	CHECK(big != NULL, "a million bytes allocated");
	if (!big)
		return;
	memset(big, 'a', 1000000);
	CHECK(digest_sha256_string(big, 1000000, d) == 0, "sha256 of a million 'a's computed");
	unit_streq(d + 7, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
		   "sha256 of a million 'a's");
	free(big);
}

int main(void)
{
	check_tokens();
	check_guide_recipe();
	check_lookups();
	check_vectors();
	return unit_done();
}
