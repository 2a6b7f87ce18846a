/* registry_reply.c: parsing registry replies (see registry_reply.h).
 *
 * Every reply is untrusted: it is parsed by json_doc (bounded depth, no
 * duplicate keys), every field is type-checked, and a digest is accepted
 * only in the one form this client can verify (sha256), because it ends up
 * in a URL. */
#include "registry_reply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"

static const cJSON *get(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

static const char *str(const cJSON *obj, const char *key)
{
	const cJSON *v = get(obj, key);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int reply_is_sha256_digest(const char *s)
{
	if (!s || strncmp(s, "sha256:", 7) != 0 || strlen(s) != 71)
		return 0;
	for (s += 7; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

/* Printable, one line, at most cap-1 bytes. */
static void printable(char *dst, size_t cap, const char *src)
{
	size_t o = 0;

	for (; src && *src && o + 1 < cap; src++)
		dst[o++] = (unsigned char)*src >= ' ' && (unsigned char)*src < 0x7f ?
				   *src : ' ';
	dst[o] = '\0';
}

/* Parses with json_doc, reporting failures as lookup errors. */
static cJSON *parse(const char *body, size_t len, const char *what,
		    struct fc_err *e)
{
	cJSON *doc = json_doc_parse(body, len, what, e);

	if (!doc && e->kind == FC_ERR_INPUT)
		e->kind = FC_ERR_LOOKUP;
	if (doc && !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		fc_fail(e, FC_ERR_LOOKUP, "%s is not a JSON object", what);
		return NULL;
	}
	return doc;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	printable(dst, cap, src ? src : "");
}

static int parse_index(const cJSON *doc, struct manifest *m, struct fc_err *e)
{
	const cJSON *list = get(doc, "manifests"), *it;
	int n = cJSON_GetArraySize(list);

	if (!cJSON_IsArray(list))
		return fc_fail(e, FC_ERR_LOOKUP,
			       "the image index has no \"manifests\" list");
	if (n > INDEX_MAX_ENTRIES)
		return fc_fail(e, FC_ERR_LOOKUP,
			       "the image index lists %d images, more than the %d "
			       "this client accepts", n, INDEX_MAX_ENTRIES);
	m->is_index = 1;
	m->entries = calloc((size_t)n + 1, sizeof *m->entries);
	if (!m->entries)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	cJSON_ArrayForEach(it, list) {
		struct index_entry *x = &m->entries[m->n++];
		const cJSON *plat = get(it, "platform");
		const char *digest = str(it, "digest");
		const char *ref_type = str(get(it, "annotations"),
					   "vnd.docker.reference.type");

		if (!cJSON_IsObject(it))
			return fc_fail(e, FC_ERR_LOOKUP, "the image index has an "
				       "entry that is not a JSON object");
		if (reply_is_sha256_digest(digest))
			memcpy(x->digest, digest, 72);
		copy_str(x->os, sizeof x->os, str(plat, "os"));
		copy_str(x->arch, sizeof x->arch, str(plat, "architecture"));
		copy_str(x->variant, sizeof x->variant, str(plat, "variant"));
		/* BuildKit's provenance and SBOM entries: unknown/unknown. */
		x->attestation = (ref_type && strcmp(ref_type, "attestation-manifest") == 0) ||
				 (strcmp(x->os, "unknown") == 0 &&
				  strcmp(x->arch, "unknown") == 0);
	}
	return 0;
}

static int parse_image_manifest(const cJSON *doc, struct manifest *m,
				struct fc_err *e)
{
	const cJSON *config = get(doc, "config"), *size;
	const char *digest = str(config, "digest");

	if (!cJSON_IsObject(config) || !digest)
		return fc_fail(e, FC_ERR_LOOKUP, "the image manifest has no "
			       "\"config\" with a \"digest\"");
	if (!reply_is_sha256_digest(digest)) {
		char shown[80];

		printable(shown, sizeof shown, digest);
		return fc_fail(e, FC_ERR_LOOKUP, "the image manifest's config digest "
			       "\"%s\" is not sha256:<64 hex digits>, the only kind "
			       "this client verifies", shown);
	}
	memcpy(m->config_digest, digest, 72);
	m->config_size = -1;
	size = get(config, "size");
	if (size) {
		char *end;
		long long v;

		if (!cJSON_IsRaw(size) && !cJSON_IsNumber(size))
			return fc_fail(e, FC_ERR_LOOKUP, "the image manifest's config "
				       "size is not a number");
		v = cJSON_IsRaw(size) ? strtoll(size->valuestring, &end, 10) :
					(long long)size->valuedouble;
		/* strtoll set end under the same cJSON_IsRaw(size) test. */
		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference) */
		if (v < 0 || (cJSON_IsRaw(size) && *end))
			return fc_fail(e, FC_ERR_LOOKUP, "the image manifest's config "
				       "size is not a whole number of bytes");
		m->config_size = v;
	}
	return 0;
}

/* The media type from the Content-Type header, without parameters. */
static void header_type(const char *ct, char *out, size_t cap)
{
	size_t n;

	out[0] = '\0';
	if (!ct)
		return;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; ,");
	if (n >= cap)
		n = cap - 1;
	memcpy(out, ct, n);
	out[n] = '\0';
}

int reply_parse_manifest(const char *body, size_t len, const char *content_type,
			 struct manifest *m, struct fc_err *e)
{
	cJSON *doc;
	char type[128], shown[128];
	const char *body_type;
	int rc = -1;

	memset(m, 0, sizeof *m);
	m->config_size = -1;
	doc = parse(body, len, "the manifest", e);
	if (!doc)
		return -1;
	const cJSON *version = get(doc, "schemaVersion");

	if (cJSON_IsRaw(version) && strcmp(version->valuestring, "1") == 0) {
		fc_fail(e, FC_ERR_LOOKUP, "the image has a Docker schema 1 manifest, "
			"which is deprecated and not supported: push the image again "
			"with a current docker, podman or buildah");
		goto out;
	}
	body_type = str(doc, "mediaType");
	if (body_type)
		copy_str(type, sizeof type, body_type);
	else
		header_type(content_type, type, sizeof type);
	if (strcmp(type, MT_OCI_INDEX) == 0 || strcmp(type, MT_DOCKER_LIST) == 0 ||
	    (!body_type && get(doc, "manifests") && !get(doc, "config")))
		rc = parse_index(doc, m, e);
	else if (strcmp(type, MT_OCI_MANIFEST) == 0 ||
		 strcmp(type, MT_DOCKER_MANIFEST) == 0 ||
		 (!body_type && get(doc, "config")))
		rc = parse_image_manifest(doc, m, e);
	else {
		printable(shown, sizeof shown, type);
		fc_fail(e, FC_ERR_LOOKUP, "the registry sent a \"%s\", not an image "
			"manifest or index (OCI or Docker schema 2)",
			*shown ? shown : "document without a media type");
	}
out:
	cJSON_Delete(doc);
	if (rc < 0)
		manifest_free(m);
	return rc;
}

void manifest_free(struct manifest *m)
{
	free(m->entries);
	memset(m, 0, sizeof *m);
}

const char *reply_docker_arch(const char *task_arch)
{
	return task_arch && strcmp(task_arch, "ARM64") == 0 ? "arm64" : "amd64";
}

/* How well an entry fits: 0 not at all, 1 usable, 2 exact. */
static int fit(const struct index_entry *x, const char *arch)
{
	if (x->attestation || !x->digest[0] || strcmp(x->os, "linux") != 0 ||
	    strcmp(x->arch, arch) != 0)
		return 0;
	if (strcmp(arch, "arm64") == 0)
		return !x->variant[0] || strcmp(x->variant, "v8") == 0 ? 2 : 0;
	return x->variant[0] ? 1 : 2; /* amd64/v2, /v3: usable on Fargate */
}

int reply_select_platform(const struct manifest *m, const char *task_arch,
			  struct fc_err *e)
{
	const char *arch = reply_docker_arch(task_arch);
	char have[512] = "";
	size_t used = 0;
	int best = -1, best_fit = 0;

	for (int i = 0; i < m->n; i++) {
		int f = fit(&m->entries[i], arch);

		if (f > best_fit) {
			best = i;
			best_fit = f;
		}
	}
	if (best >= 0)
		return best;
	for (int i = 0; i < m->n && used + 80 < sizeof have; i++) {
		const struct index_entry *x = &m->entries[i];

		if (x->attestation)
			continue;
		int w = snprintf(have + used, sizeof have - used, "%s%s/%s%s%s",
				 used ? ", " : "", *x->os ? x->os : "?",
				 *x->arch ? x->arch : "?", *x->variant ? "/" : "",
				 x->variant);
		if (w > 0)
			used += (size_t)w < sizeof have - used ? (size_t)w :
								 sizeof have - used - 1;
	}
	return fc_fail(e, FC_ERR_LOOKUP,
		       "the image has no linux/%s variant, which the task's "
		       "cpuArchitecture %s needs; it has %s: push a linux/%s "
		       "image under this tag%s", arch,
		       task_arch ? task_arch : "X86_64", *have ? have : "none",
		       arch, strcmp(arch, "amd64") == 0 ?
				     ", or set runtimePlatform.cpuArchitecture to "
				     "ARM64 if the image is for ARM" :
				     ", or set runtimePlatform.cpuArchitecture to "
				     "X86_64");
}

/* An optional array of strings; NULL when null or absent. */
static int string_list(const cJSON *config, const char *key, cJSON **out,
		       struct fc_err *e)
{
	const cJSON *v = get(config, key);

	*out = NULL;
	if (!v || cJSON_IsNull(v))
		return 0;
	if (!json_doc_is_string_array(v))
		return fc_fail(e, FC_ERR_LOOKUP, "the image config's config.%s is "
			       "not a list of strings", key);
	*out = cJSON_Duplicate(v, 1);
	return *out ? 0 : fc_fail(e, FC_ERR_SYSTEM, "out of memory");
}

int reply_parse_config(const char *body, size_t len, cJSON **entrypoint,
		       cJSON **cmd, char *platform, size_t platform_cap,
		       struct fc_err *e)
{
	cJSON *doc = parse(body, len, "the image config", e);
	const cJSON *config;
	char os[32], arch[32];

	*entrypoint = *cmd = NULL;
	platform[0] = '\0';
	if (!doc)
		return -1;
	config = get(doc, "config");
	if (config && !cJSON_IsNull(config) && !cJSON_IsObject(config)) {
		cJSON_Delete(doc);
		return fc_fail(e, FC_ERR_LOOKUP,
			       "the image config's \"config\" is not a JSON object");
	}
	if (string_list(config, "Entrypoint", entrypoint, e) < 0 ||
	    string_list(config, "Cmd", cmd, e) < 0) {
		cJSON_Delete(*entrypoint);
		*entrypoint = NULL;
		cJSON_Delete(doc);
		return -1;
	}
	copy_str(os, sizeof os, str(doc, "os"));
	copy_str(arch, sizeof arch, str(doc, "architecture"));
	if (*os || *arch)
		snprintf(platform, platform_cap, "%s/%s", os, arch);
	cJSON_Delete(doc);
	return 0;
}

int reply_parse_token(const char *body, size_t len, char **token,
		      struct fc_err *e)
{
	cJSON *doc = parse(body, len, "the token server's reply", e);
	const char *t;

	*token = NULL;
	if (!doc)
		return -1;
	t = str(doc, "token");
	if (!t || !*t)
		t = str(doc, "access_token");
	if (!t || !*t) {
		cJSON_Delete(doc);
		return fc_fail(e, FC_ERR_LOOKUP, "the token server's reply has no "
			       "\"token\" or \"access_token\"");
	}
	/* It goes into a header line: no line breaks or controls. */
	for (const char *p = t; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f) {
			cJSON_Delete(doc);
			return fc_fail(e, FC_ERR_LOOKUP, "the token server's token "
				       "contains control characters");
		}
	*token = strdup(t);
	cJSON_Delete(doc);
	return *token ? 0 : fc_fail(e, FC_ERR_SYSTEM, "out of memory");
}

void reply_error(const char *body, size_t len, char *code, size_t code_cap,
		 char *message, size_t message_cap)
{
	struct fc_err ignored;
	cJSON *doc = len ? json_doc_parse(body, len, "error", &ignored) : NULL;
	const cJSON *first = cJSON_GetArrayItem(get(doc, "errors"), 0);

	code[0] = message[0] = '\0';
	copy_str(code, code_cap, str(first, "code"));
	copy_str(message, message_cap, str(first, "message"));
	cJSON_Delete(doc);
}

void reply_tags(const char *body, size_t len, int max, char *out, size_t cap)
{
	struct fc_err ignored;
	cJSON *doc = len ? json_doc_parse(body, len, "tags", &ignored) : NULL;
	const cJSON *t;
	size_t used = 0;
	int n = 0, total = 0;

	out[0] = '\0';
	cJSON_ArrayForEach(t, get(doc, "tags")) {
		if (!cJSON_IsString(t))
			continue;
		total++;
		if (n >= max || used + 8 >= cap)
			continue;
		char tag[136];

		printable(tag, sizeof tag, t->valuestring);
		int w = snprintf(out + used, cap - used, "%s%s", n ? ", " : "", tag);

		if (w < 0 || (size_t)w >= cap - used) {
			out[used] = '\0';
			break;
		}
		used += (size_t)w;
		n++;
	}
	if (total > n && used + 8 < cap)
		snprintf(out + used, cap - used, ", ...");
	cJSON_Delete(doc);
}
