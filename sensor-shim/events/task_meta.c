/* task_meta.c: the ECS task metadata every event carries: the fields
 * taken from the endpoint's two JSON replies, fetched with http_get.c
 * under one deadline. */
#include "task_meta.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_get.h"
#include "json_parse.h"

/* Each value is copied into every event; ARNs and image names are far
 * shorter. */
#define FIELD_MAX 1024

/* --- The replies ------------------------------------------------------ */

/* Takes the string member key of o into *dst (NULL when absent, null or
 * empty). A revision (number_ok) is a string in the documented replies but
 * is seen as a number in the wild; both mean the same. */
static int take(const struct jv *o, const char *key, int number_ok, char **dst,
		char *why, size_t wl)
{
	const struct jv *v = jv_get(o, key);
	char num[32];
	const char *s;
	size_t len;

	*dst = NULL;
	if (!v || v->type == JV_NULL)
		return 0;
	if (v->type == JV_STRING) {
		s = v->str;
		len = v->len;
	} else if (number_ok && v->type == JV_NUMBER && v->is_int && v->i >= 0) {
		len = (size_t)snprintf(num, sizeof num, "%lld", v->i);
		s = num;
	} else if (number_ok && v->type == JV_NUMBER) {
		return snprintf(why, wl, "\"%s\" (line %u, column %u) is a number "
				"but not a whole one from 0 up", key, v->line,
				v->col), -1;
	} else {
		return snprintf(why, wl, "\"%s\" (line %u, column %u) is %s %s, not "
				"a string%s", key, v->line, v->col,
				v->type == JV_ARRAY || v->type == JV_OBJECT ? "an" : "a",
				jv_type_name(v->type),
				number_ok ? " or a whole number" : ""), -1;
	}
	if (len == 0)
		return 0;
	if (len > FIELD_MAX)
		return snprintf(why, wl, "\"%s\" (line %u, column %u) is %zu bytes "
				"long, over the %d-byte cap", key, v->line, v->col,
				len, FIELD_MAX), -1;
	*dst = strndup(s, len);
	if (!*dst)
		return snprintf(why, wl, "out of memory"), -1;
	return 0;
}

/* Finds REGION and ACCOUNT in arn:PARTITION:ecs:REGION:ACCOUNT:task/...:
 * 1 with pointers into arn (the account is 12 digits), or 0 for anything
 * else, which leaves both fields NULL rather than guessing. */
static int arn_parts(const char *arn, const char **region, size_t *region_len,
		     const char **account)
{
	const char *p[6];
	size_t k = 0;

	if (strncmp(arn, "arn:", 4) != 0)
		return 0;
	p[k++] = arn + 4;
	for (const char *c = arn + 4; *c && k < 6; c++) {
		if (*c == ':')
			p[k++] = c + 1;
	}
	if (k < 5)
		return 0;
	/* p[0] partition, p[1] service, p[2] region, p[3] account, p[4]
	 * resource. */
	if (p[1] - p[0] < 2 || p[2] - p[1] != 4 || strncmp(p[1], "ecs:", 4) != 0 ||
	    p[3] - p[2] < 2 || p[4] - p[3] != 13 || strncmp(p[4], "task/", 5) != 0)
		return 0;
	for (const char *c = p[0]; c < p[1] - 1; c++) {
		if (!((*c >= 'a' && *c <= 'z') || *c == '-'))
			return 0;
	}
	for (const char *c = p[2]; c < p[3] - 1; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-'))
			return 0;
	}
	for (size_t i = 0; i < 12; i++) {
		if (p[3][i] < '0' || p[3][i] > '9')
			return 0;
	}
	*region = p[2];
	*region_len = (size_t)(p[3] - 1 - p[2]);
	*account = p[3];
	return 1;
}

static void swap(char **a, char **b)
{
	char *t = *a;

	*a = *b;
	*b = t;
}

static struct jv *parse_object(const char *body, size_t len, char *why, size_t wl)
{
	struct jparse_err je = { 0 };
	struct jv *doc = jparse(body, len, &je);

	if (!doc) {
		snprintf(why, wl, "the reply is not valid JSON: %s", je.msg);
		return NULL;
	}
	if (doc->type != JV_OBJECT) {
		snprintf(why, wl, "the reply is %s %s, not an object",
			 doc->type == JV_ARRAY || doc->type == JV_OBJECT ? "an" : "a",
			 jv_type_name(doc->type));
		jv_free(doc);
		return NULL;
	}
	return doc;
}

/* All fields or none: a bad reply leaves out as it was. */
static int parse_task(const char *body, size_t len, struct task_meta *out,
		      char *why, size_t wl)
{
	struct task_meta t = { 0 };
	struct jv *doc = parse_object(body, len, why, wl);
	const char *region, *account;
	size_t region_len;
	int rc = -1;

	if (!doc)
		return -1;
	if (take(doc, "TaskARN", 0, &t.task_arn, why, wl) < 0 ||
	    take(doc, "Cluster", 0, &t.cluster, why, wl) < 0 ||
	    take(doc, "Family", 0, &t.family, why, wl) < 0 ||
	    take(doc, "Revision", 1, &t.revision, why, wl) < 0 ||
	    take(doc, "AvailabilityZone", 0, &t.availability_zone, why, wl) < 0 ||
	    take(doc, "LaunchType", 0, &t.launch_type, why, wl) < 0)
		goto out;
	/* Every task reply has its ARN; without one this is another
	 * document (the container's, an error page in JSON). */
	if (!t.task_arn) {
		snprintf(why, wl, "the reply has no \"TaskARN\": it is not a task "
			 "metadata reply");
		goto out;
	}
	if (arn_parts(t.task_arn, &region, &region_len, &account)) {
		t.region = strndup(region, region_len);
		t.account = strndup(account, 12);
		if (!t.region || !t.account) {
			snprintf(why, wl, "out of memory");
			goto out;
		}
	}
	/* The old values go to t, which frees them. */
	swap(&out->task_arn, &t.task_arn);
	swap(&out->cluster, &t.cluster);
	swap(&out->family, &t.family);
	swap(&out->revision, &t.revision);
	swap(&out->availability_zone, &t.availability_zone);
	swap(&out->launch_type, &t.launch_type);
	swap(&out->region, &t.region);
	swap(&out->account, &t.account);
	rc = 0;
out:
	task_meta_free(&t);
	jv_free(doc);
	return rc;
}

static int parse_container(const char *body, size_t len, struct task_meta *out,
			   char *why, size_t wl)
{
	struct task_meta t = { 0 };
	struct jv *doc = parse_object(body, len, why, wl);
	int rc = -1;

	if (!doc)
		return -1;
	if (take(doc, "Name", 0, &t.container_name, why, wl) < 0 ||
	    take(doc, "DockerId", 0, &t.container_id, why, wl) < 0 ||
	    take(doc, "Image", 0, &t.image, why, wl) < 0 ||
	    take(doc, "ImageID", 0, &t.image_id, why, wl) < 0)
		goto out;
	if (!t.container_name) {
		snprintf(why, wl, "the reply has no \"Name\": it is not a container "
			 "metadata reply");
		goto out;
	}
	swap(&out->container_name, &t.container_name);
	swap(&out->container_id, &t.container_id);
	swap(&out->image, &t.image);
	swap(&out->image_id, &t.image_id);
	rc = 0;
out:
	task_meta_free(&t);
	jv_free(doc);
	return rc;
}

int task_meta_parse_task(const char *body, size_t len, struct task_meta *out,
			 struct fc_err *e)
{
	char why[512];

	if (parse_task(body, len, out, why, sizeof why) < 0)
		return fc_fail(e, FC_ERR_INPUT, "ECS task metadata, task reply: %s", why);
	return 0;
}

int task_meta_parse_container(const char *body, size_t len,
			      struct task_meta *out, struct fc_err *e)
{
	char why[512];

	if (parse_container(body, len, out, why, sizeof why) < 0)
		return fc_fail(e, FC_ERR_INPUT, "ECS task metadata, container reply: %s",
			       why);
	return 0;
}


/* --- Both ------------------------------------------------------------- */

typedef int (*parse_fn)(const char *, size_t, struct task_meta *, char *, size_t);

/* http_get's messages name the URL and the cause; this puts the name of
 * what was read in front, as the parse failures below have it. */
static int in_task_meta(struct fc_err *e)
{
	char msg[sizeof e->msg];

	memcpy(msg, e->msg, sizeof msg);
	return fc_fail(e, e->kind, "ECS task metadata %s", msg);
}

static int fetch_one(const struct http_endpoint *ep, const char *target,
		     const char *url, const struct http_deadline *dl, parse_fn parse,
		     struct task_meta *out, struct fc_err *e)
{
	char *buf = NULL, why[512];
	const char *body = NULL;
	size_t len = 0;
	int rc = 0;

	if (http_get(ep, target, url, dl, &buf, &body, &len, e) < 0)
		return in_task_meta(e);
	if (parse(body, len, out, why, sizeof why) < 0)
		rc = fc_fail(e, FC_ERR_LOOKUP, "ECS task metadata %s: %s", url, why);
	free(buf);
	return rc;
}

int task_meta_fetch(const char *uri, unsigned timeout_ms, struct task_meta *out,
		    struct fc_err *e)
{
	struct http_deadline dl = http_deadline_in(timeout_ms);
	char task_target[HTTP_URI_MAX + 8], task_url[HTTP_URI_MAX + 8];
	struct http_endpoint ep;
	const char *sep;

	if (!uri)
		return fc_fail(e, FC_ERR_INPUT, "ECS task metadata: no URI "
			       "(ECS_CONTAINER_METADATA_URI_V4 is not set: not on "
			       "ECS, or a platform version before 1.4.0)");
	if (http_endpoint_parse(uri, &ep, e) < 0)
		return in_task_meta(e);
	/* ${URI}/task; a trailing slash is not doubled. */
	sep = *ep.path && ep.path[strlen(ep.path) - 1] == '/' ? "task" : "/task";
	snprintf(task_target, sizeof task_target, "%s%s", *ep.path ? ep.path : "",
		 sep);
	snprintf(task_url, sizeof task_url, "%s%s", uri, sep);

	/* The task first: it has what every event needs (ARN, cluster,
	 * zone), and out keeps it if the container's reply then fails. */
	if (fetch_one(&ep, task_target, task_url, &dl, parse_task, out, e) < 0)
		return -1;
	return fetch_one(&ep, *ep.path ? ep.path : "/", uri, &dl, parse_container,
			 out, e);
}

void task_meta_free(struct task_meta *m)
{
	free(m->task_arn);
	free(m->cluster);
	free(m->family);
	free(m->revision);
	free(m->availability_zone);
	free(m->launch_type);
	free(m->region);
	free(m->account);
	free(m->container_name);
	free(m->container_id);
	free(m->image);
	free(m->image_id);
	memset(m, 0, sizeof *m);
}
