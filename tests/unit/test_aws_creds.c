/* test_aws_creds.c: the AWS credential chain and the INI reader under it,
 * as tables: which link wins, what each malformed link says (naming the
 * variable or file and the fix, never the secret), the region's order, and
 * the container endpoint's JSON. The endpoint itself is exercised over
 * HTTP by tests/suite-live.sh. */
#include "unit.h"

#include <unistd.h>

#include "aws_creds.h"
#include "aws_ini.h"

static const struct ini_case {
	const char *text, *section, *key;
	enum aws_ini_found want;
	const char *value;
} ini_cases[] = {
	{ "[default]\naws_access_key_id = AK\n", "default", "aws_access_key_id",
	  AWS_INI_FOUND, "AK" },
	{ "[default]\r\naws_access_key_id=AK \r\n", "default", "aws_access_key_id",
	  AWS_INI_FOUND, "AK" },
	{ "[ default ]\n  key = nested\nkey = top\n", "default", "key", AWS_INI_FOUND, "top" },
	{ "[a]\nk = 1\n[b]\nk = 2\n", "b", "k", AWS_INI_FOUND, "2" },
	{ "[a]\nk = 1\n[a]\nk = 3\n", "a", "k", AWS_INI_FOUND, "3" },
	{ "[a]\n# k = 1\n; k = 2\n", "a", "k", AWS_INI_NO_KEY, NULL },
	{ "[profile ci]\nregion = eu-west-1", "profile ci", "region", AWS_INI_FOUND,
	  "eu-west-1" },
	{ "[ci]\nregion = x\n", "profile ci", "region", AWS_INI_NO_SECTION, NULL },
	{ "k = v\n[a\nk = w\n", "a", "k", AWS_INI_NO_SECTION, NULL },
	{ "[a]\nk =\n", "a", "k", AWS_INI_FOUND, "" },
	{ "", "a", "k", AWS_INI_NO_SECTION, NULL },
	{ "[a]\ns3 =\n  k = nested\n", "a", "k", AWS_INI_NO_KEY, NULL },
};

static void test_ini(void)
{
	for (size_t i = 0; i < sizeof ini_cases / sizeof *ini_cases; i++) {
		const struct ini_case *c = &ini_cases[i];
		const char *v;
		size_t n;
		enum aws_ini_found got = aws_ini_get(c->text, strlen(c->text),
						     c->section, c->key, &v, &n);
		int ok = got == c->want &&
			 (!c->value || (n == strlen(c->value) &&
					memcmp(v, c->value, n) == 0));

		CHECK(ok, "ini %zu: [%s] %s -> %d", i, c->section, c->key, (int)got);
	}
}

static char dir[] = "/tmp/test_aws_creds.XXXXXX";

static void put_file(const char *name, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void clean_env(void)
{
	static const char *const vars[] = {
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
		"AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	};
	char path[256];

	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
		unsetenv(vars[i]);
	setenv("HOME", dir, 1);
	snprintf(path, sizeof path, "%s/credentials", dir);
	setenv("AWS_SHARED_CREDENTIALS_FILE", path, 1);
	snprintf(path, sizeof path, "%s/config", dir);
	setenv("AWS_CONFIG_FILE", path, 1);
	put_file("credentials", "");
	put_file("config", "");
}

/* The message must not hold any of these. */
static int leaks(const char *msg)
{
	return strstr(msg, "SECRET-") || strstr(msg, "SECRET ") || strstr(msg, "TOKEN-VALUE");
}

static void test_chain(void)
{
	struct aws_creds c;
	struct fc_err e = { 0 };

	clean_env();
	setenv("AWS_ACCESS_KEY_ID", "AKENV", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "SECRET-ENV", 1);
	setenv("AWS_SESSION_TOKEN", "TOKEN-VALUE-ENV", 1);
	put_file("credentials", "[default]\naws_access_key_id=AKFILE\n"
		 "aws_secret_access_key=SECRET-FILE\n");
	CHECK(aws_creds_load(&c, &e) == 0 && strcmp(c.key_id, "AKENV") == 0 &&
	      strcmp(c.token, "TOKEN-VALUE-ENV") == 0,
	      "chain: the environment comes before the profile");

	unsetenv("AWS_SECRET_ACCESS_KEY");
	CHECK(aws_creds_load(&c, &e) < 0 && e.kind == FC_ERR_USAGE &&
	      strstr(e.msg, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not") &&
	      !leaks(e.msg) && c.key_id[0] == '\0',
	      "chain: a key id without its secret is refused: %s", e.msg);

	clean_env();
	put_file("credentials", "[default]\naws_access_key_id = AKFILE\n"
		 "aws_secret_access_key = SECRET-FILE\n[ci]\naws_access_key_id=AKCI\n"
		 "aws_secret_access_key=SECRET-CI\naws_session_token=TOKEN-VALUE-CI\n");
	CHECK(aws_creds_load(&c, &e) == 0 && strcmp(c.key_id, "AKFILE") == 0 &&
	      c.token[0] == '\0' && strstr(c.source, "profile \"default\""),
	      "chain: profile default from the credentials file");
	setenv("AWS_PROFILE", "ci", 1);
	CHECK(aws_creds_load(&c, &e) == 0 && strcmp(c.key_id, "AKCI") == 0 &&
	      strcmp(c.secret, "SECRET-CI") == 0 &&
	      strcmp(c.token, "TOKEN-VALUE-CI") == 0,
	      "chain: AWS_PROFILE picks the profile, session token included");

	setenv("AWS_PROFILE", "nosuch", 1);
	CHECK(aws_creds_load(&c, &e) < 0 && e.kind == FC_ERR_USAGE &&
	      strstr(e.msg, "AWS_PROFILE is \"nosuch\", but no such profile") &&
	      strstr(e.msg, "aws configure --profile nosuch"),
	      "chain: an AWS_PROFILE that does not exist is named: %s", e.msg);

	setenv("AWS_PROFILE", "cfg", 1);
	put_file("config", "[profile cfg]\naws_access_key_id=AKCFG\n"
		 "aws_secret_access_key=SECRET-CFG\nregion=eu-west-1\n");
	CHECK(aws_creds_load(&c, &e) == 0 && strcmp(c.key_id, "AKCFG") == 0,
	      "chain: keys in the config file's [profile cfg] count too");

	setenv("AWS_PROFILE", "sso", 1);
	put_file("config", "[profile sso]\nsso_session = corp\nregion=eu-west-1\n");
	CHECK(aws_creds_load(&c, &e) < 0 && strstr(e.msg, "sso_session") &&
	      strstr(e.msg, "export-credentials --profile sso"),
	      "chain: an SSO profile is refused with the export recipe: %s", e.msg);

	setenv("AWS_PROFILE", "half", 1);
	put_file("credentials", "[half]\naws_access_key_id=AKHALF\n");
	CHECK(aws_creds_load(&c, &e) < 0 && strstr(e.msg, "no aws_secret_access_key"),
	      "chain: a profile without its secret is named: %s", e.msg);

	put_file("credentials", "[half]\naws_access_key_id=AK HALF\n"
		 "aws_secret_access_key=SECRET-HALF\n");
	CHECK(aws_creds_load(&c, &e) < 0 && strstr(e.msg, "aws_access_key_id in profile") &&
	      !leaks(e.msg),
	      "chain: a value with a space is refused without showing it: %s", e.msg);

	clean_env();
	CHECK(aws_creds_load(&c, &e) < 0 && e.kind == FC_ERR_USAGE &&
	      strstr(e.msg, "no AWS credentials") && strstr(e.msg, "task role"),
	      "chain: nothing anywhere says every way to fix it: %s", e.msg);

	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds", 1);
	CHECK(aws_creds_load(&c, &e) < 0 && strstr(e.msg, "use https"),
	      "chain: plain HTTP credentials only from loopback or the ECS agent: %s", e.msg);
	unsetenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "v2/creds", 1);
	CHECK(aws_creds_load(&c, &e) < 0 && strstr(e.msg, "starting with '/'"),
	      "chain: a relative URI must be a path: %s", e.msg);
}

static void test_region(void)
{
	char r[64];
	struct fc_err e = { 0 };

	clean_env();
	setenv("AWS_DEFAULT_REGION", "us-west-2", 1);
	CHECK(aws_region_resolve("eu-north-1", r, sizeof r, &e) == 0 &&
	      strcmp(r, "eu-north-1") == 0, "region: -region comes first");
	setenv("AWS_REGION", "ap-south-1", 1);
	CHECK(aws_region_resolve(NULL, r, sizeof r, &e) == 0 &&
	      strcmp(r, "ap-south-1") == 0, "region: AWS_REGION before AWS_DEFAULT_REGION");
	unsetenv("AWS_REGION");
	CHECK(aws_region_resolve(NULL, r, sizeof r, &e) == 0 &&
	      strcmp(r, "us-west-2") == 0, "region: AWS_DEFAULT_REGION");
	unsetenv("AWS_DEFAULT_REGION");
	put_file("config", "[default]\nregion = cn-north-1\n");
	CHECK(aws_region_resolve(NULL, r, sizeof r, &e) == 0 &&
	      strcmp(r, "cn-north-1") == 0, "region: the profile's region in the config file");
	put_file("config", "[default]\nregion = US East\n");
	CHECK(aws_region_resolve(NULL, r, sizeof r, &e) < 0 &&
	      strstr(e.msg, "is not an AWS region name"), "region: a bad one is refused: %s", e.msg);
	put_file("config", "");
	CHECK(aws_region_resolve(NULL, r, sizeof r, &e) < 0 && e.kind == FC_ERR_USAGE &&
	      strstr(e.msg, "no AWS region: pass -region"),
	      "region: none says how to give one: %s", e.msg);
}

static const struct container_case {
	const char *body;
	const char *error; /* NULL: accepted */
} container_cases[] = {
	{ "{\"AccessKeyId\":\"AKC\",\"SecretAccessKey\":\"SECRET-C\",\"Token\":\"TOKEN-VALUE-C\","
	  "\"Expiration\":\"2099-01-01T00:00:00Z\"}", NULL },
	{ "{\"AccessKeyId\":\"AKC\",\"SecretAccessKey\":\"SECRET-C\",\"Token\":null}", NULL },
	{ "{\"code\":\"x\"}", "without AccessKeyId and SecretAccessKey" },
	{ "{\"AccessKeyId\":1,\"SecretAccessKey\":\"SECRET-C\"}", "without AccessKeyId" },
	{ "{\"AccessKeyId\":\"AKC\",\"SecretAccessKey\":\"SECRET C\"}", "SecretAccessKey in" },
	{ "{\"AccessKeyId\":\"AKC\",\"SecretAccessKey\":\"SECRET-C\",\"Token\":7}", "Token that is not a string" },
	{ "not json", "is not valid JSON" },
	{ "[]", "without AccessKeyId" },
};

static void test_container_json(void)
{
	for (size_t i = 0; i < sizeof container_cases / sizeof *container_cases; i++) {
		const struct container_case *k = &container_cases[i];
		struct aws_creds c;
		struct fc_err e = { 0 };
		int rc = aws_creds_parse_container(k->body, strlen(k->body), "the endpoint",
						   &c, &e);

		if (!k->error)
			CHECK(rc == 0 && strcmp(c.key_id, "AKC") == 0 &&
			      strcmp(c.secret, "SECRET-C") == 0,
			      "container json %zu accepted", i);
		else
			CHECK(rc < 0 && e.kind == FC_ERR_LOOKUP && strstr(e.msg, k->error) &&
			      !leaks(e.msg) && c.key_id[0] == '\0',
			      "container json %zu refused: %s", i, e.msg);
	}
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_ini();
	test_chain();
	test_region();
	test_container_json();
	char path[256];

	snprintf(path, sizeof path, "%s/credentials", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/config", dir);
	unlink(path);
	rmdir(dir);
	return unit_done();
}
