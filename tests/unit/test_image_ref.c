/* test_image_ref.c: image references as a table: what Docker pulls for
 * each spelling (host, repository, tag, digest, Docker Hub or not, the
 * docker config key), and why each malformed one is refused; then which
 * hosts count as ECR. */
#include "unit.h"

#include "image_ref.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HUB DOCKER_HUB_HOST
#define HUB_KEY DOCKER_HUB_CONFIG_KEY

static const struct ref_case {
	const char *in;
	const char *host, *repo, *tag, *digest, *key; /* key NULL: the host */
	const char *error; /* NULL: must parse */
} cases[] = {
	/* Docker Hub short names. */
	{ "nginx", HUB, "library/nginx", "latest", "", HUB_KEY, NULL },
	{ "nginx:1.27", HUB, "library/nginx", "1.27", "", HUB_KEY, NULL },
	{ "library/nginx", HUB, "library/nginx", "latest", "", HUB_KEY, NULL },
	{ "bitnami/redis:7.2", HUB, "bitnami/redis", "7.2", "", HUB_KEY, NULL },
	{ "docker.io/nginx", HUB, "library/nginx", "latest", "", HUB_KEY, NULL },
	{ "docker.io/library/nginx:1", HUB, "library/nginx", "1", "", HUB_KEY, NULL },
	{ "index.docker.io/nginx", HUB, "library/nginx", "latest", "", HUB_KEY, NULL },
	{ "python:3.12-slim", HUB, "library/python", "3.12-slim", "", HUB_KEY, NULL },
	/* A first part without '.', ':' or upper case is a path, not a host. */
	{ "a/b/c", HUB, "a/b/c", "latest", "", HUB_KEY, NULL },
	/* "host:port" alone is a Docker Hub name with a tag, as in Docker. */
	{ "localhost:5000", HUB, "library/localhost", "5000", "", HUB_KEY, NULL },
	/* Hosts. */
	{ "localhost/app", "localhost", "app", "latest", "", NULL, NULL },
	{ "localhost:5000/app:dev", "localhost:5000", "app", "dev", "", NULL, NULL },
	{ "127.0.0.1:5000/fc/both:1", "127.0.0.1:5000", "fc/both", "1", "", NULL, NULL },
	{ "[::1]:5000/app", "[::1]:5000", "app", "latest", "", NULL, NULL },
	{ "Registry/app", "Registry", "app", "latest", "", NULL, NULL },
	{ "registry-1.docker.io/library/nginx", "registry-1.docker.io",
	  "library/nginx", "latest", "", NULL, NULL },
	{ "123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1.2.3",
	  "123456789012.dkr.ecr.us-east-1.amazonaws.com", "team/app", "v1.2.3",
	  "", NULL, NULL },
	{ "public.ecr.aws/nginx/nginx:stable", "public.ecr.aws", "nginx/nginx",
	  "stable", "", NULL, NULL },
	{ "my-reg.example.com:443/a/b/c/d", "my-reg.example.com:443", "a/b/c/d",
	  "latest", "", NULL, NULL },
	/* Digests: the digest is what is fetched; a tag beside it is kept. */
	{ "ghcr.io/o/r@sha256:" D64, "ghcr.io", "o/r", "", "sha256:" D64, NULL, NULL },
	{ "quay.io/o/r:t@sha256:" D64, "quay.io", "o/r", "t", "sha256:" D64, NULL, NULL },
	{ "nginx@sha256:" D64, HUB, "library/nginx", "", "sha256:" D64, HUB_KEY, NULL },
	/* Separators inside path components. */
	{ "a__b/c--d/e.f_g:T-1.x_", HUB, "a__b/c--d/e.f_g", "T-1.x_", "", HUB_KEY, NULL },
	{ "a---b", HUB, "library/a---b", "latest", "", HUB_KEY, NULL },
	{ "r/x:_tag", HUB, "r/x", "_tag", "", HUB_KEY, NULL },
	/* 128-character tag: the longest allowed. */
	{ "r:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  HUB, "library/r",
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  "", HUB_KEY, NULL },

	/* Refused, with the reason. */
	{ "", NULL, NULL, NULL, NULL, NULL, "empty" },
	{ "NGINX", NULL, NULL, NULL, NULL, NULL, "lower case" },
	{ "ghcr.io/Owner/repo", NULL, NULL, NULL, NULL, NULL, "lower case" },
	{ "https://ghcr.io/o/r", NULL, NULL, NULL, NULL, NULL, "URL scheme" },
	{ "nginx latest", NULL, NULL, NULL, NULL, NULL, "white space" },
	{ "nginx\t", NULL, NULL, NULL, NULL, NULL, "white space" },
	{ "ngin\xc3\xa9x", NULL, NULL, NULL, NULL, NULL, "printable ASCII" },
	{ "nginx:", NULL, NULL, NULL, NULL, NULL, "a tag is" },
	{ "nginx:-x", NULL, NULL, NULL, NULL, NULL, "a tag is" },
	{ "nginx:.x", NULL, NULL, NULL, NULL, NULL, "a tag is" },
	{ "nginx:a+b", NULL, NULL, NULL, NULL, NULL, "a tag is" },
	{ "r:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	  NULL, NULL, NULL, NULL, NULL, "a tag is" },
	{ "nginx@sha256:abc", NULL, NULL, NULL, NULL, NULL, "64 hex" },
	{ "nginx@sha256:" D64 "0", NULL, NULL, NULL, NULL, NULL, "64 hex" },
	{ "nginx@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
	  NULL, NULL, NULL, NULL, NULL, "lower-case hex" },
	{ "nginx@sha512:" D64 D64, NULL, NULL, NULL, NULL, NULL, "only sha256" },
	{ "nginx@", NULL, NULL, NULL, NULL, NULL, "ALGORITHM:HEX" },
	{ "nginx@" D64, NULL, NULL, NULL, NULL, NULL, "ALGORITHM:HEX" },
	{ ":tag", NULL, NULL, NULL, NULL, NULL, "no repository" },
	{ "@sha256:" D64, NULL, NULL, NULL, NULL, NULL, "no repository" },
	{ "ghcr.io/", NULL, NULL, NULL, NULL, NULL, "repository name" },
	{ "a//b", NULL, NULL, NULL, NULL, NULL, "each part" },
	{ "/a", NULL, NULL, NULL, NULL, NULL, "each part" },
	{ "a/", NULL, NULL, NULL, NULL, NULL, "each part" },
	{ "a..b", NULL, NULL, NULL, NULL, NULL, "each part" },
	{ "a___b", NULL, NULL, NULL, NULL, NULL, "each part" },
	{ "-a", NULL, NULL, NULL, NULL, NULL, "each part" },
	{ "a-", NULL, NULL, NULL, NULL, NULL, "each part" },
	{ "a/.b", NULL, NULL, NULL, NULL, NULL, "each part" },
	{ "-host.io/a", NULL, NULL, NULL, NULL, NULL, "host" },
	{ "host-.io/a", NULL, NULL, NULL, NULL, NULL, "host" },
	{ "a..io/a", NULL, NULL, NULL, NULL, NULL, "host" },
	{ "a:b:c/d", NULL, NULL, NULL, NULL, NULL, "host" },
	{ "host.io:/a", NULL, NULL, NULL, NULL, NULL, "host" },
	{ "host.io:123456/a", NULL, NULL, NULL, NULL, NULL, "host" },
	{ "host.io:8x/a", NULL, NULL, NULL, NULL, NULL, "host" },
	{ "[]:5000/a", NULL, NULL, NULL, NULL, NULL, "host" },
	{ "[::1/a", NULL, NULL, NULL, NULL, NULL, "host" },
	{ "h_st.io/a", NULL, NULL, NULL, NULL, NULL, "host" },
};

static const struct ecr_case {
	const char *host;
	int ecr;
} ecr_cases[] = {
	{ "123456789012.dkr.ecr.us-east-1.amazonaws.com", 1 },
	{ "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com", 1 },
	{ "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", 1 },
	{ "123456789012.dkr.ecr.us-east-1.amazonaws.com:443", 1 },
	{ "12345678901.dkr.ecr.us-east-1.amazonaws.com", 0 },
	{ "123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.io", 0 },
	{ "public.ecr.aws", 0 },
	{ "registry-1.docker.io", 0 },
	{ "", 0 },
};

static const char *show(const char *s)
{
	return strlen(s) > 60 ? "(long name)" : s;
}

int main(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct ref_case *c = &cases[i];
		struct image_ref r;
		struct fc_err e = { 0 };
		int rc = image_ref_parse(c->in, &r, &e);
		char what[200];

		if (c->error) {
			if (CHECK(rc < 0 && e.kind == FC_ERR_INPUT && strstr(e.msg, c->error),
				  "\"%s\" is refused: %s", show(c->in), c->error))
				continue;
			unit_diag("rc %d, message: %s", rc, rc < 0 ? e.msg : "(none)");
			continue;
		}
		if (!CHECK(rc == 0, "\"%s\" parses", show(c->in))) {
			unit_diag("%s", e.msg);
			continue;
		}
		snprintf(what, sizeof what, "\"%s\": host", show(c->in));
		unit_streq(r.host, c->host, what);
		snprintf(what, sizeof what, "\"%s\": repository", show(c->in));
		unit_streq(r.repo, c->repo, what);
		snprintf(what, sizeof what, "\"%s\": tag", show(c->in));
		unit_streq(r.tag, c->tag, what);
		snprintf(what, sizeof what, "\"%s\": digest", show(c->in));
		unit_streq(r.digest, c->digest, what);
		snprintf(what, sizeof what, "\"%s\": docker config key", show(c->in));
		unit_streq(image_ref_config_key(&r), c->key ? c->key : c->host, what);
		snprintf(what, sizeof what, "\"%s\": reference fetched", show(c->in));
		unit_streq(image_ref_reference(&r), *c->digest ? c->digest : c->tag, what);
	}
	/* Docker counts "docker.io/library/" in the 255-character limit. */
	char longname[300];
	struct image_ref r;
	struct fc_err e = { 0 };

	memset(longname, 'a', 250);
	longname[250] = '\0';
	CHECK(image_ref_parse(longname, &r, &e) < 0 && strstr(e.msg, "longer than 255"),
	      "a 250-character Docker Hub short name is too long once normalised");
	memset(longname, 'a', 236);
	longname[236] = '\0';
	CHECK(image_ref_parse(longname, &r, &e) == 0,
	      "docker.io/library/ + 236 characters is exactly 255: accepted");
	for (size_t i = 0; i < sizeof ecr_cases / sizeof *ecr_cases; i++)
		CHECK(image_ref_is_ecr(ecr_cases[i].host) == ecr_cases[i].ecr,
		      "\"%s\" %s ECR", ecr_cases[i].host,
		      ecr_cases[i].ecr ? "is" : "is not");
	return unit_done();
}
