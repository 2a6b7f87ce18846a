/* test_auth_challenge.c: WWW-Authenticate headers as a table: the header,
 * then the challenges it must give as "Scheme name=value name=value" lines
 * joined by " | ", or that it must be refused. Real registries' headers
 * first (Docker Hub, ECR, GHCR, distribution), then the grammar's corners. */
#include "unit.h"

#include "auth_challenge.h"

static const struct challenge_case {
	const char *header;
	const char *want; /* NULL: refused */
} cases[] = {
	/* Docker Hub */
	{ "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
	  "scope=\"repository:library/nginx:pull\"",
	  "Bearer realm=https://auth.docker.io/token service=registry.docker.io "
	  "scope=repository:library/nginx:pull" },
	/* ECR */
	{ "Basic realm=\"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/\","
	  "service=\"ecr.amazonaws.com\"",
	  "Basic realm=https://123456789012.dkr.ecr.us-east-1.amazonaws.com/ "
	  "service=ecr.amazonaws.com" },
	/* distribution htpasswd */
	{ "Basic realm=\"fctest-basic\"", "Basic realm=fctest-basic" },
	/* distribution token auth after a refused token (RFC 6750 error) */
	{ "Bearer realm=\"https://t/token\",service=\"s\",scope=\"repository:a:pull\","
	  "error=\"invalid_token\"",
	  "Bearer realm=https://t/token service=s scope=repository:a:pull "
	  "error=invalid_token" },
	/* A scope naming two actions: the comma is inside the quotes. */
	{ "Bearer realm=\"r\",scope=\"repository:a/b:pull,push\"",
	  "Bearer realm=r scope=repository:a/b:pull,push" },
	/* Two scopes separated by a space inside quotes. */
	{ "Bearer scope=\"repository:a:pull repository:b:pull\"",
	  "Bearer scope=repository:a:pull repository:b:pull" },
	/* Escapes in quoted strings. */
	{ "Bearer realm=\"a\\\"b\\\\c\\d\"", "Bearer realm=a\"b\\cd" },
	{ "Basic realm=\"\"", "Basic realm=" },
	{ "Basic realm=\"tab\there\"", "Basic realm=tab\there" },
	/* Case: schemes and parameter names are case-insensitive. */
	{ "bearer REALM=\"r\"", "Bearer realm=r" },
	{ "BASIC Realm=\"r\"", "Basic realm=r" },
	/* White space around '=' and ',' (RFC 7235's BWS). */
	{ "Bearer  realm = \"r\" ,  service = s ", "Bearer realm=r service=s" },
	{ "Bearer realm=\"r\",,, service=\"s\"", "Bearer realm=r service=s" },
	/* Tokens and unquoted URLs as values. */
	{ "Bearer realm=https://t.example/token,service=reg",
	  "Bearer realm=https://t.example/token service=reg" },
	/* Several challenges in one header, or headers joined by ", ". */
	{ "Basic realm=\"a\", Bearer realm=\"b\",service=\"c\"",
	  "Basic realm=a | Bearer realm=b service=c" },
	{ "Negotiate, Basic realm=\"x\"", "Other | Basic realm=x" },
	{ "Negotiate abc123==, Basic realm=\"x\"", "Other | Basic realm=x" },
	{ "Newauth realm=\"apps\", type=1, title=\"Login to \\\"apps\\\"\", Basic realm=\"simple\"",
	  "Other realm=apps type=1 title=Login to \"apps\" | Basic realm=simple" },
	{ "Basic", "Basic" },
	{ "Basic realm=x, Basic realm=y", "Basic realm=x | Basic realm=y" },
	{ "", "" },
	{ " , ", "" },
	/* Refused. */
	{ "Bearer realm=\"unterminated", NULL },
	{ "Bearer realm=\"a\\", NULL },
	{ "Bearer realm=\"line\nbreak\"", NULL },
	{ "Bearer realm=\"a\" junk\"", NULL },
	{ "=Bearer", NULL },
	{ "Bearer realm=\"a\"\"b\"", NULL },
	{ "\"Bearer\"", NULL },
};

static void append(char *out, size_t cap, const char *s)
{
	size_t n = strlen(out);

	snprintf(out + n, cap - n, "%s", s);
}

static void render(const struct auth_challenges *a, char *out, size_t cap)
{
	static const char *const names[] = { "Other", "Basic", "Bearer" };

	out[0] = '\0';
	for (int i = 0; i < a->n; i++) {
		if (i)
			append(out, cap, " | ");
		append(out, cap, names[a->c[i].scheme]);
		for (int j = 0; j < a->c[i].n; j++) {
			append(out, cap, " ");
			append(out, cap, a->c[i].params[j].name);
			append(out, cap, "=");
			append(out, cap, a->c[i].params[j].value);
		}
	}
}

int main(void)
{
	char got[2048];

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct challenge_case *c = &cases[i];
		struct auth_challenges a;
		int rc = auth_challenges_parse(c->header, strlen(c->header), &a);

		if (!c->want) {
			CHECK(rc < 0, "refused: %s", c->header);
		} else if (CHECK(rc == 0, "parses: %s", c->header)) {
			render(&a, got, sizeof got);
			unit_streq(got, c->want, c->header);
		}
		auth_challenges_free(&a);
	}

	/* Lookup helpers. */
	struct auth_challenges a;
	const char *h = "Basic realm=\"b\", Bearer Realm=\"r\",SERVICE=\"s\"";

	if (CHECK(auth_challenges_parse(h, strlen(h), &a) == 0, "parses two challenges")) {
		const struct auth_challenge *bearer = auth_find(&a, AUTH_BEARER);

		CHECK(bearer && bearer == &a.c[1], "auth_find finds the Bearer one");
		CHECK(bearer && auth_param(bearer, "realm") &&
		      strcmp(auth_param(bearer, "realm"), "r") == 0,
		      "auth_param ignores case");
		CHECK(bearer && !auth_param(bearer, "scope"), "an absent parameter is NULL");
		CHECK(auth_find(&a, AUTH_OTHER) == NULL, "no Other challenge");
	}
	auth_challenges_free(&a);

	/* Limits: extra challenges and parameters are dropped, not fatal. */
	char many[4096] = "";

	for (int i = 0; i < 20; i++)
		append(many, sizeof many, i ? ", Basic realm=\"x\"" : "Basic realm=\"x\"");
	CHECK(auth_challenges_parse(many, strlen(many), &a) == 0 &&
	      a.n == AUTH_MAX_CHALLENGES, "20 challenges: the first %d kept",
	      AUTH_MAX_CHALLENGES);
	auth_challenges_free(&a);
	strcpy(many, "Bearer ");
	for (int i = 0; i < 40; i++) {
		char p[32];

		snprintf(p, sizeof p, "%sp%d=\"%d\"", i ? "," : "", i, i);
		append(many, sizeof many, p);
	}
	CHECK(auth_challenges_parse(many, strlen(many), &a) == 0 && a.n == 1 &&
	      a.c[0].n == AUTH_MAX_PARAMS, "40 parameters: the first %d kept",
	      AUTH_MAX_PARAMS);
	auth_challenges_free(&a);
	/* Not NUL-terminated: only len bytes are read. */
	CHECK(auth_challenges_parse("Basic realm=\"x\"GARBAGE", 15, &a) == 0 &&
	      a.n == 1 && strcmp(a.c[0].params[0].value, "x") == 0,
	      "only len bytes are parsed");
	auth_challenges_free(&a);
	return unit_done();
}
