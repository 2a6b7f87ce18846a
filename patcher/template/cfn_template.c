/* cfn_template.c: a CloudFormation template's task definitions through the
 * patch engine, and back into the template's text.
 *
 * Each task definition's Properties are re-spelled as an ECS task
 * definition (cfn_spelling), patched exactly as -ecs-spec-file would patch
 * it (taskdef_patch), spelled back, written in the template's format and
 * put in place of the old Properties text. Everything outside those spans
 * stays byte for byte, YAML comments included. */
#include "cfn_template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfn_spelling.h"
#include "json_doc.h"
#include "json_span.h"
#include "layout.h"
#include "yaml_doc.h"
#include "yaml_emit.h"

#define TASKDEF_TYPE "AWS::ECS::TaskDefinition"

struct region {
	size_t start, end;
	char *text;
	size_t len;
};

struct tmpl {
	const char *text;
	size_t len;
	int yaml;
	cJSON *root;          /* owned, through json or yd */
	struct yaml_doc yd;
	struct region r[64];  /* one per patched resource, in text order */
	int n;
};

static const cJSON *get(const cJSON *o, const char *k)
{
	return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

static int is_taskdef(const cJSON *res)
{
	const cJSON *type = get(res, "Type");

	return cJSON_IsString(type) && strcmp(type->valuestring, TASKDEF_TYPE) == 0;
}

/* "resource X: " before a message from the engine, which speaks of one
 * task definition and does not know which. */
static int prefixed(struct fc_err *e, const char *id)
{
	char msg[sizeof e->msg];

	snprintf(msg, sizeof msg, "resource %.200s: %.800s", id, e->msg);
	memcpy(e->msg, msg, sizeof msg);
	return -1;
}

static int opaque_at(const cJSON *v, const char *id, const char *where,
		     const char *prop, struct fc_err *e)
{
	if (!v || !cfn_is_opaque(v))
		return 0;
	return fc_fail(e, FC_ERR_INPUT,
		       "resource %s%s: %s is %s (%s), which the patcher cannot "
		       "look into, but it has to read or extend %s: write it out "
		       "in the template (functions inside it are fine)",
		       id, where, prop, cfn_is_intrinsic(v) ? "an intrinsic function" :
		       "an alias or a non-string YAML value", cfn_intrinsic_name(v), prop);
}

/* The places the engine reads or extends must be written out; anywhere
 * else an intrinsic is carried as it is. */
static int check_container(const cJSON *c, int i, const char *id, struct fc_err *e)
{
	char where[320];
	const cJSON *name = get(c, "Name");
	const cJSON *lp = get(c, "LinuxParameters");
	const cJSON *caps = get(lp, "Capabilities");
	const cJSON *env, *v;

	if (cfn_is_opaque(c))
		return fc_fail(e, FC_ERR_INPUT,
			       "resource %s: ContainerDefinitions[%d] is an intrinsic "
			       "function (%s): the patcher must see every container, so "
			       "write each one out (functions inside them are fine)",
			       id, i, cfn_intrinsic_name(c));
	if (!cJSON_IsObject(c))
		return 0; /* the engine says what is wrong */
	if (name && !cJSON_IsString(name))
		return fc_fail(e, FC_ERR_INPUT,
			       "resource %s: ContainerDefinitions[%d]: Name must be a "
			       "literal string (the patcher names containers in "
			       "DependsOn), not %s", id, i,
			       cfn_intrinsic_name(name));
	snprintf(where, sizeof where, ", container \"%.255s\"",
		 name && cJSON_IsString(name) ? name->valuestring : "?");
	if (opaque_at(get(c, "Environment"), id, where, "Environment", e) < 0 ||
	    opaque_at(get(c, "MountPoints"), id, where, "MountPoints", e) < 0 ||
	    opaque_at(get(c, "DependsOn"), id, where, "DependsOn", e) < 0 ||
	    opaque_at(lp, id, where, "LinuxParameters", e) < 0 ||
	    opaque_at(caps, id, where, "LinuxParameters.Capabilities", e) < 0 ||
	    opaque_at(get(caps, "Add"), id, where, "LinuxParameters.Capabilities.Add", e) < 0 ||
	    opaque_at(get(caps, "Drop"), id, where, "LinuxParameters.Capabilities.Drop", e) < 0 ||
	    opaque_at(get(c, "DockerLabels"), id, where, "DockerLabels", e) < 0 ||
	    opaque_at(get(get(c, "DockerLabels"), FC_LABEL_INJECTION), id, where,
		      "DockerLabels \"" FC_LABEL_INJECTION "\"", e) < 0)
		return -1;
	env = get(c, "Environment");
	if (cJSON_IsArray(env))
		cJSON_ArrayForEach(v, env)
			if (opaque_at(v, id, where, "an entry of Environment", e) < 0 ||
			    opaque_at(get(v, "Name"), id, where,
				      "the Name of an Environment entry", e) < 0)
				return -1;
	return 0;
}

static int check_shape(const cJSON *props, const char *id, struct fc_err *e)
{
	const cJSON *list = get(props, "ContainerDefinitions");
	const cJSON *rp = get(props, "RuntimePlatform");
	const cJSON *c;
	int i = 0;

	if (!cJSON_IsObject(props) || cfn_is_intrinsic(props))
		return fc_fail(e, FC_ERR_INPUT,
			       "resource %s: Properties must be a mapping of the task "
			       "definition's properties%s%s", id,
			       cfn_is_intrinsic(props) ? ", not " : "",
			       cfn_is_intrinsic(props) ? cfn_intrinsic_name(props) : "");
	if (!list)
		return fc_fail(e, FC_ERR_INPUT,
			       "resource %s has no ContainerDefinitions: add the "
			       "containers, or leave the resource out with -resource", id);
	if (opaque_at(list, id, "", "ContainerDefinitions", e) < 0 ||
	    opaque_at(get(props, "Volumes"), id, "", "Volumes", e) < 0 ||
	    opaque_at(rp, id, "", "RuntimePlatform", e) < 0 ||
	    opaque_at(get(rp, "CpuArchitecture"), id, "", "RuntimePlatform.CpuArchitecture", e) < 0 ||
	    opaque_at(get(rp, "OperatingSystemFamily"), id, "",
		      "RuntimePlatform.OperatingSystemFamily", e) < 0)
		return -1;
	if (cJSON_IsArray(list))
		cJSON_ArrayForEach(c, list)
			if (check_container(c, i++, id, e) < 0)
				return -1;
	return 0;
}

struct check_ctx {
	const struct cfn_opaque *op;
	const char *id;
};

static const cJSON *opaque_in(const struct cfn_opaque *op, const cJSON *list)
{
	const cJSON *c;

	cJSON_ArrayForEach(c, list)
		if (cJSON_IsString(c) && cfn_opaque_value(op, c->valuestring))
			return cfn_opaque_value(op, c->valuestring);
	return NULL;
}

/* After planning, before any lookup: what the patch needs to know about
 * each injected container must not be hidden in an intrinsic. */
static int check_plan(const struct plan *p, void *vctx, struct fc_err *e)
{
	const struct check_ctx *ctx = vctx;

	for (int i = 0; i < p->n; i++) {
		const struct plan_container *pc = &p->c[i];
		const cJSON *image = cfn_opaque_value(ctx->op, pc->image);
		const cJSON *ep = opaque_in(ctx->op, pc->entrypoint);

		if (pc->action != PLAN_INJECT)
			continue;
		if (ep)
			return fc_fail(e, FC_ERR_INPUT,
				       "resource %s, container \"%s\": EntryPoint is or "
				       "holds %s, but the patcher moves the entry point "
				       "into the environment variable %s as text, where "
				       "CloudFormation would not resolve it: write "
				       "EntryPoint as literal strings", ctx->id, pc->name,
				       cfn_intrinsic_name(ep), FC_ENV_ENTRYPOINT);
		if (image && (pc->need_image_ep || pc->need_image_cmd))
			return fc_fail(e, FC_ERR_INPUT,
				       "resource %s, container \"%s\": Image is %s, so "
				       "its ENTRYPOINT and CMD cannot be read from a "
				       "registry, and the container sets no %s: write "
				       "EntryPoint and Command in the template (the image's "
				       "ENTRYPOINT and CMD, as `docker inspect` shows them)",
				       ctx->id, pc->name, cfn_intrinsic_name(image),
				       pc->need_image_cmd ? "EntryPoint or Command" :
				       "EntryPoint");
	}
	return 0;
}

/* From the end of a value to the end of its line when all that follows is
 * a comment: the comment belonged to a property that is rewritten. */
static size_t past_comment(const char *s, size_t len, size_t end)
{
	size_t i = end;

	while (i < len && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < len && s[i] == '#') {
		while (i < len && s[i] != '\n' && s[i] != '\r')
			i++;
		return i;
	}
	return end;
}

/* An anchor inside would be lost with the text it is in, and its aliases
 * elsewhere would point at nothing. */
static int check_anchors(const struct tmpl *t, const cJSON *props,
			 const char *id, struct fc_err *e)
{
	const struct yaml_span *sp = yaml_doc_span(&t->yd, props);

	for (size_t i = 0; sp && i < t->yd.n_anchors; i++)
		if (t->yd.anchors[i] >= sp->start && t->yd.anchors[i] < sp->end)
			return fc_fail(e, FC_ERR_INPUT,
				       "resource %s: its Properties define a YAML anchor "
				       "(&name), which would be lost when the patcher "
				       "rewrites them: write the anchored value out", id);
	return 0;
}

static int yaml_region(struct tmpl *t, const cJSON *props, const cJSON *out,
		       const char *id, struct region *r, struct fc_err *e)
{
	const struct yaml_span *sp = yaml_doc_span(&t->yd, props);
	struct strbuf b = { 0 };

	size_t end;

	if (!sp)
		return fc_fail(e, FC_ERR_INPUT, "resource %s: Properties is not a "
			       "mapping", id);
	/* A block scalar's span takes in the line breaks after it. */
	for (end = sp->end; end > sp->start && strchr(" \t\r\n", t->text[end - 1]); end--)
		;
	r->start = sp->start;
	r->end = past_comment(t->text, t->len, end);
	if (sp->flow) {
		yaml_emit_flow(&b, out);
	} else {
		size_t unit = sp->key_column >= 0 && sp->column > (size_t)sp->key_column ?
			      sp->column - (size_t)sp->key_column : 2;

		yaml_emit_block(&b, out, sp->column, unit);
	}
	r->text = strbuf_take(&b, &r->len);
	return r->text ? 0 : fc_fail(e, FC_ERR_SYSTEM, "out of memory");
}

/* The pretty JSON of out, indented as the template indents: the key's
 * line's indentation, plus the template's own step per level. */
static int json_region(struct tmpl *t, const cJSON *out, const char *id,
		       struct region *r, struct fc_err *e)
{
	const char *path[] = { "Resources", id, "Properties" };
	struct json_span sp;
	struct strbuf b = { 0 };
	char *pretty;
	size_t base, step_at, step = 0;

	if (json_span_find(t->text, t->len, path, 3, &sp) < 0)
		return fc_fail(e, FC_ERR_SYSTEM, "resource %s: its Properties were "
			       "not found in the text", id);
	r->start = sp.start;
	r->end = sp.end;
	const char *nl = memchr(t->text + sp.start, '\n', sp.end - sp.start);

	if (!nl) {
		r->text = json_doc_print(out, 0, &r->len);
		return r->text ? 0 : fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	}
	base = strspn(t->text + sp.key_line, " \t");
	step_at = (size_t)(nl + 1 - t->text);
	step = strspn(t->text + step_at, " \t");
	if (step > base && strncmp(t->text + sp.key_line, t->text + step_at, base) == 0) {
		step -= base;
		step_at += base;
	} else {
		step_at = 0;
		step = 0;
	}
	pretty = json_doc_print(out, 1, NULL);
	if (!pretty)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	for (const char *line = pretty; *line;) {
		const char *eol = strchr(line, '\n');
		size_t lead = strspn(line, " ");

		if (!eol)
			break;
		if (line != pretty) {
			strbuf_put(&b, "\n", 1);
			strbuf_put(&b, t->text + sp.key_line, base);
			for (size_t k = 0; k < lead / 4; k++) {
				if (step)
					strbuf_put(&b, t->text + step_at, step);
				else
					strbuf_put(&b, "  ", 2);
			}
		}
		strbuf_put(&b, line + lead, (size_t)(eol - line) - lead);
		line = eol + 1;
	}
	free(pretty);
	r->text = strbuf_take(&b, &r->len);
	return r->text ? 0 : fc_fail(e, FC_ERR_SYSTEM, "out of memory");
}

/* A template saved with CRLF line ends gets them in the rewritten part too. */
static int match_line_ends(const struct tmpl *t, struct region *r, struct fc_err *e)
{
	const char *nl = memchr(t->text + r->start, '\n', t->len - r->start);
	struct strbuf b = { 0 };

	if (!nl || nl == t->text || nl[-1] != '\r')
		return 0;
	for (size_t i = 0; i < r->len; i++)
		strbuf_put(&b, r->text[i] == '\n' ? "\r\n" : r->text + i,
			   r->text[i] == '\n' ? 2 : 1);
	free(r->text);
	r->text = strbuf_take(&b, &r->len);
	return r->text ? 0 : fc_fail(e, FC_ERR_SYSTEM, "out of memory");
}

static int patch_resource(struct tmpl *t, const char *id, const cJSON *res,
			  const struct taskdef_engine *eng, struct strbuf *notes,
			  struct fc_err *e)
{
	const cJSON *props = get(res, "Properties");
	struct cfn_opaque op = { 0 };
	struct check_ctx ctx = { .op = &op, .id = id };
	cJSON *ecs = NULL, *patched = NULL, *back = NULL;
	char *text = NULL, what[300];
	size_t len = 0;
	int rc = -1, injected = 0;

	if (t->n == (int)(sizeof t->r / sizeof *t->r))
		return fc_fail(e, FC_ERR_INPUT, "the template has more than %zu task "
			       "definitions: patch them in parts with -resource",
			       sizeof t->r / sizeof *t->r);
	if (!props)
		return fc_fail(e, FC_ERR_INPUT, "resource %s has no Properties: "
			       "give the task definition's properties", id);
	if (check_shape(props, id, e) < 0 || (t->yaml && check_anchors(t, props, id, e) < 0))
		return -1;
	snprintf(what, sizeof what, "resource %.200s: ", id);
	ecs = cfn_to_ecs(props, &op, what, e);
	if (!ecs)
		goto out;
	text = json_doc_print(ecs, 0, &len);
	if (!text) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto out;
	}
	if (taskdef_patch(text, len, eng, check_plan, &ctx, what, &patched,
			  &injected, notes, e) < 0) {
		if (strncmp(e->msg, "resource ", 9) != 0)
			prefixed(e, id);
		goto out;
	}
	back = cfn_from_ecs(patched, &op);
	if (!back) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto out;
	}
	struct region *r = &t->r[t->n];

	if ((t->yaml ? yaml_region(t, props, back, id, r, e) :
		       json_region(t, back, id, r, e)) < 0 ||
	    match_line_ends(t, r, e) < 0)
		goto out;
	t->n++;
	if (t->n > 1 && r->start < t->r[t->n - 2].end) {
		fc_fail(e, FC_ERR_SYSTEM, "resource %s: its text overlaps the "
			"previous resource's", id);
		goto out;
	}
	rc = 0;
out:
	cJSON_Delete(ecs);
	cJSON_Delete(patched);
	cJSON_Delete(back);
	free(text);
	cfn_opaque_free(&op);
	return rc;
}

static int load(struct tmpl *t, struct fc_err *e)
{
	size_t i = 0;

	if (t->len >= 3 && memcmp(t->text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < t->len && strchr(" \t\r\n", t->text[i]) && t->text[i])
		i++;
	t->yaml = !(i < t->len && t->text[i] == '{');
	if (t->yaml) {
		if (yaml_doc_parse(t->text, t->len, "template (YAML)", &t->yd, e) < 0)
			return -1;
		t->root = t->yd.root;
	} else {
		t->root = json_doc_parse(t->text, t->len, "template (JSON)", e);
		if (!t->root)
			return -1;
	}
	if (!cJSON_IsObject(t->root) || cfn_is_intrinsic(t->root) ||
	    !cJSON_IsObject(get(t->root, "Resources")) ||
	    cfn_is_intrinsic(get(t->root, "Resources")))
		return fc_fail(e, FC_ERR_INPUT,
			       "the template has no Resources mapping: is this a "
			       "CloudFormation template? (a task definition is "
			       "patched with -ecs-spec-file, a container definitions "
			       "array with -container-definitions)");
	return 0;
}

static int check_ids(const cJSON *resources, const char *const *ids, int n,
		     struct fc_err *e)
{
	for (int i = 0; i < n; i++) {
		const cJSON *res = get(resources, ids[i]);

		if (!res)
			return fc_fail(e, FC_ERR_USAGE,
				       "-resource %s: the template has no resource with "
				       "that logical ID (IDs are case-sensitive)", ids[i]);
		if (!is_taskdef(res))
			return fc_fail(e, FC_ERR_USAGE,
				       "-resource %s: the resource is not an %s", ids[i],
				       TASKDEF_TYPE);
	}
	return 0;
}

static int wanted(const char *id, const char *const *ids, int n)
{
	if (n == 0)
		return 1;
	for (int i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return 1;
	return 0;
}

static int splice(const struct tmpl *t, char **out, size_t *out_len,
		  struct fc_err *e)
{
	struct strbuf b = { 0 };
	size_t at = 0;

	for (int i = 0; i < t->n; i++) {
		strbuf_put(&b, t->text + at, t->r[i].start - at);
		strbuf_put(&b, t->r[i].text, t->r[i].len);
		at = t->r[i].end;
	}
	strbuf_put(&b, t->text + at, t->len - at);
	*out = strbuf_take(&b, out_len);
	return *out ? 0 : fc_fail(e, FC_ERR_SYSTEM, "out of memory");
}

int cfn_template_patch(const char *text, size_t len, const char *const *ids,
		       int n, const struct taskdef_engine *eng, char **out,
		       size_t *out_len, struct strbuf *notes, struct fc_err *e)
{
	struct tmpl t = { .text = text, .len = len };
	const cJSON *res;
	int rc = -1;

	*out = NULL;
	if (load(&t, e) < 0 || check_ids(get(t.root, "Resources"), ids, n, e) < 0)
		goto out;
	cJSON_ArrayForEach(res, get(t.root, "Resources"))
		if (is_taskdef(res) && wanted(res->string, ids, n) &&
		    patch_resource(&t, res->string, res, eng, notes, e) < 0)
			goto out;
	if (t.n == 0) {
		fc_fail(e, FC_ERR_INPUT, "the template has no %s resource: nothing "
			"to patch", TASKDEF_TYPE);
		goto out;
	}
	rc = splice(&t, out, out_len, e);
out:
	for (int i = 0; i < t.n; i++)
		free(t.r[i].text);
	if (t.yaml)
		yaml_doc_free(&t.yd);
	else
		cJSON_Delete(t.root);
	return rc;
}
