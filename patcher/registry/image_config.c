/* image_config.c: image ENTRYPOINT/CMD lookup for a plan.
 *
 * Credentials are chosen first, one registry at a time, because a
 * credential helper is a child process and may prompt or take a while;
 * then each distinct image is read from its registry on its own thread,
 * since a lookup is a handful of round trips that mostly wait. Results are
 * applied in container order, so the first error reported is the first
 * container's, whatever finished first. Setting FC_LOOKUP_SEQUENTIAL=1 in
 * the environment runs the lookups one after another (for measuring). */
#include "image_config.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "credentials.h"
#include "image_ref.h"
#include "registry.h"
#include "slurp.h"

#define CA_MAX_BYTES (1024 * 1024)
#define SYSTEM_CA_MAX_BYTES (8 * 1024 * 1024)

static const struct http_settings http_defaults = {
	.connect_timeout_ms = 10000,
	.timeout_ms = 60000,
	.retry_delay_ms = 1000,
};

struct lookup {
	const char *image; /* as the first container using it spells it */
	struct image_ref ref;
	int cred;          /* index into the credentials */
	struct image_meta meta;
	struct fc_err err;
	int rc;
	/* inputs shared by all threads, read-only */
	const struct registry_settings *rs;
	const struct credential *c;
	const char *arch;
	pthread_t thread;
	int started;
};

struct run {
	struct lookup look[TASKDEF_MAX_CONTAINERS];
	int n;
	int of[TASKDEF_MAX_CONTAINERS]; /* container -> lookup, or -1 */
	struct credential cred[TASKDEF_MAX_CONTAINERS];
	int n_cred;
	struct cred_sources cs;
	struct http_settings http;
	struct registry_settings rs;
	char *ca;
};

static int same_ref(const struct image_ref *a, const struct image_ref *b)
{
	return strcmp(a->host, b->host) == 0 && strcmp(a->repo, b->repo) == 0 &&
	       strcmp(a->tag, b->tag) == 0 && strcmp(a->digest, b->digest) == 0;
}

static int load_ca(struct run *r, const char *path, struct fc_err *e)
{
	size_t len;

	if (slurp(path, CA_MAX_BYTES, "-registry-ca file", &r->ca, &len, e) < 0) {
		e->kind = FC_ERR_USAGE;
		return -1;
	}
	if (!strstr(r->ca, "-----BEGIN CERTIFICATE-----"))
		return fc_fail(e, FC_ERR_USAGE,
			       "-registry-ca %s has no PEM certificate (no \"-----BEGIN "
			       "CERTIFICATE-----\"): pass the registry's CA certificate "
			       "in PEM form", path);
	r->http.ca_pem = r->ca;
	r->http.ca_len = len;
	return 0;
}

/* A CA blob replaces libcurl's CA file (its CA directory still counts, but
 * not every build has one), so the system bundle goes in front of the
 * user's certificates: -registry-ca adds trust, it does not narrow it. */
static void add_system_cas(struct run *r)
{
	CURL *c = curl_easy_init();
	char *path = NULL, *sys = NULL, *both;
	size_t len;
	struct fc_err ignored;

	if (c)
		curl_easy_getinfo(c, CURLINFO_CAINFO, &path);
	if (path && slurp(path, SYSTEM_CA_MAX_BYTES, "system CA bundle", &sys, &len,
			  &ignored) == 0 &&
	    (both = malloc(len + 1 + r->http.ca_len + 1))) {
		memcpy(both, sys, len);
		both[len] = '\n';
		memcpy(both + len + 1, r->ca, r->http.ca_len + 1);
		free(r->ca);
		r->ca = both;
		r->http.ca_pem = both;
		r->http.ca_len += len + 1;
	}
	free(sys);
	if (c)
		curl_easy_cleanup(c);
}

/* Why container pc needs its image, as the start of a message. */
static const char *why_needed(const struct plan_container *pc)
{
	if (pc->need_image_ep && pc->need_image_cmd)
		return "has no entryPoint and no command, so it runs the "
		       "ENTRYPOINT and CMD";
	if (pc->need_image_ep)
		return "has no entryPoint, so it runs the ENTRYPOINT";
	return "has an empty entryPoint and no command, so it runs the CMD";
}

/* "container "web" has no entryPoint, so it runs the ENTRYPOINT of image
 * "X", which cannot be read from HOST: CAUSE". Only the first container
 * that uses the image is named: the others fail for the same reason. */
static int lookup_failed(const struct plan *p, const struct run *r, int k,
			 const struct fc_err *cause, struct fc_err *e)
{
	const struct lookup *l = &r->look[k];
	int i = 0;

	while (i < p->n - 1 && r->of[i] != k)
		i++;
	if (cause->kind != FC_ERR_LOOKUP)
		return fc_fail(e, cause->kind, "container \"%s\": %s", p->c[i].name,
			       cause->msg);
	/* "from HOST: HOST refused" reads better as "from HOST: refused". */
	const char *msg = cause->msg;
	size_t hlen = strlen(l->ref.host);

	if (strncmp(msg, l->ref.host, hlen) == 0 && msg[hlen] == ' ')
		msg += hlen + 1;
	return fc_fail(e, FC_ERR_LOOKUP,
		       "container \"%s\" %s of image \"%s\", which cannot be read "
		       "from %s: %s", p->c[i].name, why_needed(&p->c[i]), l->image,
		       l->ref.host, msg);
}

static void *run_lookup(void *arg)
{
	struct lookup *l = arg;

	l->rc = registry_image_config(l->rs, &l->ref, l->c, l->arch, &l->meta,
				      &l->err);
	return NULL;
}

/* Distinct images and their references; container i uses r->look[r->of[i]]. */
static int collect(const struct plan *p, struct run *r, const char *arch,
		   struct fc_err *e)
{
	for (int i = 0; i < p->n; i++) {
		const struct plan_container *pc = &p->c[i];
		struct image_ref ref;
		struct fc_err inner;

		r->of[i] = -1;
		if (pc->action != PLAN_INJECT ||
		    !(pc->need_image_ep || pc->need_image_cmd))
			continue;
		if (image_ref_parse(pc->image, &ref, &inner) < 0)
			return fc_fail(e, FC_ERR_INPUT, "container \"%s\": %s",
				       pc->name, inner.msg);
		int k;

		for (k = 0; k < r->n; k++)
			if (same_ref(&r->look[k].ref, &ref))
				break;
		if (k == r->n) {
			struct lookup *l = &r->look[r->n++];

			l->image = pc->image;
			l->ref = ref;
			l->rs = &r->rs;
			l->arch = arch;
		}
		r->of[i] = k;
	}
	return 0;
}

/* One credential lookup per registry key, in container order. */
static int choose_credentials(const struct plan *p, struct run *r,
			      struct fc_err *e)
{
	for (int k = 0; k < r->n; k++) {
		struct lookup *l = &r->look[k];
		const char *key = image_ref_config_key(&l->ref);
		int j;

		for (j = 0; j < k; j++)
			if (strcmp(image_ref_config_key(&r->look[j].ref), key) == 0)
				break;
		if (j < k) {
			l->cred = r->look[j].cred;
		} else {
			struct fc_err inner;

			l->cred = r->n_cred;
			if (credentials_for(&r->cs, &l->ref, &r->cred[r->n_cred], &inner) < 0)
				return lookup_failed(p, r, k, &inner, e);
			r->n_cred++;
		}
		l->c = &r->cred[l->cred];
	}
	return 0;
}

static void run_all(struct run *r)
{
	const char *seq = getenv("FC_LOOKUP_SEQUENTIAL");
	int parallel = r->n > 1 && !(seq && strcmp(seq, "1") == 0);

	for (int k = 0; k < r->n; k++) {
		struct lookup *l = &r->look[k];

		if (parallel && pthread_create(&l->thread, NULL, run_lookup, l) == 0)
			l->started = 1;
		else
			run_lookup(l); /* no thread to be had: do it here */
	}
	for (int k = 0; k < r->n; k++)
		if (r->look[k].started)
			pthread_join(r->look[k].thread, NULL);
}

static int arg_count(const cJSON *list)
{
	return cJSON_GetArraySize(list);
}

/* Hands each container its image's lists, in container order. */
static int apply(struct plan *p, struct run *r, struct fc_err *e)
{
	for (int i = 0; i < p->n; i++) {
		struct plan_container *pc = &p->c[i];
		int k = r->of[i];

		if (k < 0)
			continue;
		const struct lookup *l = &r->look[k];

		if (l->rc < 0)
			return lookup_failed(p, r, k, &l->err, e);
		if (pc->need_image_ep && l->meta.entrypoint &&
		    !(pc->image_ep = cJSON_Duplicate(l->meta.entrypoint, 1)))
			return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		if (pc->need_image_cmd && l->meta.cmd &&
		    !(pc->image_cmd = cJSON_Duplicate(l->meta.cmd, 1)))
			return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		int argc = arg_count(pc->need_image_ep ? pc->image_ep : pc->entrypoint) +
			   arg_count(pc->need_image_cmd ? pc->image_cmd : pc->command);

		if (argc == 0)
			return fc_fail(e, FC_ERR_INPUT,
				       "container \"%s\": the image \"%s\" (read from %s) "
				       "has neither ENTRYPOINT nor CMD, and the container "
				       "definition has no %s, so nothing would run: add "
				       "\"command\" (or \"entryPoint\") to the container "
				       "definition", pc->name, l->image, l->ref.host,
				       pc->entrypoint ? "command" : "entryPoint or command");
	}
	return 0;
}

/* A single-platform image for another CPU cannot be caught by the index
 * choice; ECS would fail to start it with "exec format error". */
static void warn_platform(const struct run *r)
{
	for (int k = 0; k < r->n; k++) {
		const struct lookup *l = &r->look[k];
		const char *slash = strchr(l->meta.platform, '/');
		const char *want = strcmp(l->arch, "ARM64") == 0 ? "arm64" : "amd64";

		if (l->rc == 0 && slash && strcmp(slash + 1, want) != 0)
			fprintf(stderr, "falcon-patcher: note: image \"%s\" is built for "
				"%s, but the task's cpuArchitecture is %s: ECS will not "
				"be able to run it\n", l->image, l->meta.platform, l->arch);
	}
}

int image_config_resolve(struct plan *p, const struct lookup_opts *lo,
			 struct fc_err *e)
{
	struct run *r = calloc(1, sizeof *r);
	struct sigaction ignore = { .sa_handler = SIG_IGN }, saved;
	int rc = -1, curl_ready = 0;

	if (!r)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	/* libcurl with CURLOPT_NOSIGNAL, and a credential helper that exits
	 * before reading, can both raise SIGPIPE: it must not kill us. */
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGPIPE, &ignore, &saved);
	r->http = http_defaults;
	r->rs.http = &r->http;
	r->rs.insecure = lo->insecure;
	r->rs.n_insecure = lo->n_insecure;
	if (cred_sources_init(&r->cs, lo->pulltoken, lo->docker_config, e) < 0 ||
	    (lo->registry_ca && load_ca(r, lo->registry_ca, e) < 0))
		goto out;
	if (plan_lookups(p) == 0) {
		rc = 0;
		goto out;
	}
	if (collect(p, r, lo->arch ? lo->arch : "X86_64", e) < 0)
		goto out;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fc_fail(e, FC_ERR_SYSTEM, "cannot initialise libcurl");
		goto out;
	}
	curl_ready = 1;
	if (r->ca)
		add_system_cas(r);
	if (choose_credentials(p, r, e) < 0)
		goto out;
	run_all(r);
	if (apply(p, r, e) < 0)
		goto out;
	warn_platform(r);
	rc = 0;
out:
	for (int k = 0; k < r->n; k++)
		image_meta_free(&r->look[k].meta);
	for (int j = 0; j < r->n_cred; j++)
		credential_free(&r->cred[j]);
	cred_sources_free(&r->cs);
	free(r->ca);
	free(r);
	if (curl_ready)
		curl_global_cleanup();
	sigaction(SIGPIPE, &saved, NULL);
	return rc;
}
