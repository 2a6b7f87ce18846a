/* yaml_doc.c: reading YAML with libyaml's event parser into cJSON, and
 * recording where each collection is, for yaml_doc.h's callers. */
#include "yaml_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "json_doc.h"

#define YAML_DOC_MAX_KEY 255
#define CORE_TAG "tag:yaml.org,2002:"

struct frame {
	cJSON *node;       /* the object or array being filled */
	char *key;         /* a mapping's key waiting for its value */
	size_t key_column;
	long span;         /* index in d->spans, or -1 */
};

struct reader {
	const char *text;
	size_t len;
	const char *what;
	struct yaml_doc *d;
	struct fc_err *e;
	struct frame stack[JSON_DOC_MAX_DEPTH + 1];
	int depth;
	/* libyaml counts characters (a leading BOM too, as the encoding is
	 * set); the caller needs bytes. */
	size_t conv_char, conv_byte;
	size_t last_end;   /* byte offset after the last content seen */
};

static size_t byte_at(struct reader *r, size_t char_index)
{
	if (char_index < r->conv_char) {
		r->conv_char = 0;
		r->conv_byte = 0;
	}
	while (r->conv_char < char_index && r->conv_byte < r->len) {
		r->conv_byte++;
		/* The next character starts at the next non-continuation byte. */
		while (r->conv_byte < r->len &&
		       ((unsigned char)r->text[r->conv_byte] & 0xc0) == 0x80)
			r->conv_byte++;
		r->conv_char++;
	}
	return r->conv_byte;
}

static int oom(struct reader *r)
{
	return fc_fail(r->e, FC_ERR_SYSTEM, "out of memory");
}

static int fail_at(struct reader *r, const yaml_mark_t *m, const char *why)
{
	return fc_fail(r->e, FC_ERR_INPUT, "%s: line %zu, column %zu: %s",
		       r->what, m->line + 1, m->column + 1, why);
}

static int is_word(const char *s, const char *const *words, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return 1;
	return 0;
}

static size_t span_of(const char *s, const char *set)
{
	return strspn(s, set);
}

/* [0-9][0-9_]*(:[0-9_]+)*(\.[0-9_]*)?([eE][-+]?[0-9]+)? or \.[0-9][0-9_]*...:
 * YAML 1.1 and 1.2 integers, floats and sexagesimals, decimal. */
static int is_decimal(const char *p)
{
	static const char dec[] = "0123456789_";

	if (*p >= '0' && *p <= '9') {
		p += span_of(p, dec);
		while (*p == ':' && p[1] >= '0' && p[1] <= '9')
			p += 1 + span_of(p + 1, dec);
	} else if (!(*p == '.' && p[1] >= '0' && p[1] <= '9')) {
		return 0;
	}
	if (*p == '.')
		p += 1 + span_of(p + 1, dec);
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!(*p >= '0' && *p <= '9'))
			return 0;
		p += span_of(p, "0123456789");
	}
	return *p == '\0';
}

int yaml_plain_is_string(const char *s)
{
	static const char *const words[] = {
		"", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false",
		"False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO", "on",
		"On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", "<<", "=",
		".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
		"-.Inf", "-.INF", ".nan", ".NaN", ".NAN",
	};
	const char *p = s;

	if (is_word(s, words, sizeof words / sizeof *words))
		return 0;
	/* A date or timestamp: 2024-01-31, 2024-01-31T10:00:00Z. */
	if (span_of(s, "0123456789") == 4 && s[4] == '-' &&
	    s[span_of(s, "0123456789-:. +TtZz")] == '\0')
		return 0;
	if (*p == '+' || *p == '-')
		p++;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X' || p[1] == 'o' ||
			    p[1] == 'O' || p[1] == 'b' || p[1] == 'B') && p[2] &&
	    p[2 + span_of(p + 2, "0123456789abcdefABCDEF_")] == '\0')
		return 0;
	return !is_decimal(p);
}

static int add_span(struct reader *r, const cJSON *node, const yaml_event_t *ev,
		    long key_column, int flow)
{
	struct yaml_doc *d = r->d;

	if (d->n_spans == d->cap_spans) {
		size_t cap = d->cap_spans ? 2 * d->cap_spans : 16;
		struct yaml_span *v = realloc(d->spans, cap * sizeof *v);

		if (!v)
			return -1;
		d->spans = v;
		d->cap_spans = cap;
	}
	struct yaml_span *s = &d->spans[d->n_spans++];

	s->node = node;
	s->start = byte_at(r, ev->start_mark.index);
	s->end = s->start;
	s->column = ev->start_mark.column;
	s->key_column = key_column;
	s->flow = flow;
	return 0;
}

static int add_anchor(struct reader *r, const yaml_event_t *ev)
{
	struct yaml_doc *d = r->d;

	if (d->n_anchors == d->cap_anchors) {
		size_t cap = d->cap_anchors ? 2 * d->cap_anchors : 8;
		size_t *v = realloc(d->anchors, cap * sizeof *v);

		if (!v)
			return -1;
		d->anchors = v;
		d->cap_anchors = cap;
	}
	d->anchors[d->n_anchors++] = byte_at(r, ev->start_mark.index);
	return 0;
}

/* A tag as the template writes it: "!Ref", "!!int". NULL when the node has
 * no tag that matters ("!" and !!str only say "a string"). */
static int tag_name(struct reader *r, const yaml_event_t *ev,
		    const unsigned char *tag, char **out)
{
	const char *t = (const char *)tag;
	const char *body;
	size_t n;

	*out = NULL;
	if (!t || strcmp(t, "!") == 0 || strcmp(t, CORE_TAG "str") == 0)
		return 0;
	if (strncmp(t, CORE_TAG, strlen(CORE_TAG)) == 0)
		body = t + strlen(CORE_TAG);
	else if (t[0] == '!' && t[1] != '!')
		body = t + 1;
	else
		return fail_at(r, &ev->start_mark,
			       "only CloudFormation's short forms (!Ref, !Sub, ...) "
			       "and YAML's own !!tags are supported as tags");
	n = strlen(body);
	if (n == 0 || body[strspn(body, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				  "0123456789_.:-")] != '\0')
		return fail_at(r, &ev->start_mark,
			       "a tag may only have letters, digits and _.:- "
			       "after its '!'");
	*out = malloc(n + 3);
	if (!*out)
		return oom(r);
	snprintf(*out, n + 3, "%s%s", body == t + 1 ? "!" : "!!", body);
	return 0;
}

/* Puts v where the document is: as the root, as a sequence item, as a
 * mapping's key (a string) or as the value of the waiting key. Takes v. */
static int attach(struct reader *r, cJSON *v, const yaml_event_t *ev,
		  int is_key_ok, const char *key_text)
{
	if (r->depth == 0) {
		if (r->d->root) {
			cJSON_Delete(v);
			return fail_at(r, &ev->start_mark, "more than one value at the top");
		}
		r->d->root = v;
		return 0;
	}
	struct frame *f = &r->stack[r->depth - 1];

	if (cJSON_IsArray(f->node)) {
		cJSON_AddItemToArray(f->node, v);
		return 0;
	}
	if (!f->key) {
		cJSON_Delete(v);
		if (!is_key_ok)
			return fail_at(r, &ev->start_mark,
				       "a mapping key must be a plain string, not a "
				       "collection, alias or tagged value");
		if (key_text[0] == '!')
			return fail_at(r, &ev->start_mark,
				       "a key starting with '!' is not supported");
		/* YAML allows 1024 characters for a key that is not marked with
		 * "? "; written back quoted, 255 bytes stay below that. */
		if (strlen(key_text) > YAML_DOC_MAX_KEY)
			return fail_at(r, &ev->start_mark, "a key longer than 255 "
				       "bytes is not supported");
		f->key = strdup(key_text);
		f->key_column = ev->start_mark.column;
		return f->key ? 0 : oom(r);
	}
	cJSON_AddItemToObject(f->node, f->key, v);
	free(f->key);
	f->key = NULL;
	return 0;
}

/* Wraps v as {"!Tag": v} when tag is set. Takes v and tag. */
static cJSON *tagged(cJSON *v, char *tag)
{
	if (!tag || !v) {
		free(tag);
		return v;
	}
	cJSON *w = cJSON_CreateObject();

	if (!w || !cJSON_AddItemToObject(w, tag, v)) {
		cJSON_Delete(w);
		cJSON_Delete(v);
		w = NULL;
	}
	free(tag);
	return w;
}

static int on_scalar(struct reader *r, const yaml_event_t *ev)
{
	const char *val = (const char *)ev->data.scalar.value;
	char *tag;
	cJSON *v;

	if (strlen(val) != ev->data.scalar.length)
		return fail_at(r, &ev->start_mark, "a NUL character in a value "
			       "is not supported");
	if (tag_name(r, ev, ev->data.scalar.tag, &tag) < 0)
		return -1;
	int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    !ev->data.scalar.tag;

	if (plain && (strcmp(val, "null") == 0 || !*val))
		v = cJSON_CreateNull();
	else if (plain && !yaml_plain_is_string(val))
		v = cJSON_CreateRaw(val);
	else /* quoted, or under a tag, which decides the type */
		v = cJSON_CreateString(val);
	int key_ok = !tag;

	v = tagged(v, tag);
	if (!v)
		return oom(r);
	if (ev->data.scalar.anchor && add_anchor(r, ev) < 0)
		return oom(r);
	r->last_end = byte_at(r, ev->end_mark.index);
	return attach(r, v, ev, key_ok, val);
}

static int on_alias(struct reader *r, const yaml_event_t *ev)
{
	const char *name = (const char *)ev->data.alias.anchor;
	size_t n = strlen(name);
	char *text = malloc(n + 2);
	cJSON *v;

	if (!text)
		return oom(r);
	text[0] = '*';
	memcpy(text + 1, name, n + 1);
	v = cJSON_CreateRaw(text);
	free(text);
	if (!v)
		return oom(r);
	r->last_end = byte_at(r, ev->end_mark.index);
	return attach(r, v, ev, 0, "");
}

static int on_start(struct reader *r, const yaml_event_t *ev, int map)
{
	const unsigned char *tag_raw = map ? ev->data.mapping_start.tag :
				       ev->data.sequence_start.tag;
	const unsigned char *anchor = map ? ev->data.mapping_start.anchor :
				      ev->data.sequence_start.anchor;
	int flow = map ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE :
		   ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
	char *tag;

	if (tag_name(r, ev, tag_raw, &tag) < 0)
		return -1;
	if (r->depth + (tag ? 2 : 1) > JSON_DOC_MAX_DEPTH) {
		free(tag);
		return fail_at(r, &ev->start_mark, "nested too deeply");
	}
	cJSON *c = map ? cJSON_CreateObject() : cJSON_CreateArray();
	cJSON *v = tagged(c, tag);

	if (!v)
		return oom(r);
	if (anchor && add_anchor(r, ev) < 0) {
		cJSON_Delete(v);
		return oom(r);
	}
	long key_column = -1;

	if (r->depth > 0 && cJSON_IsObject(r->stack[r->depth - 1].node) &&
	    r->stack[r->depth - 1].key)
		key_column = (long)r->stack[r->depth - 1].key_column;
	if (add_span(r, c, ev, key_column, flow) < 0) {
		cJSON_Delete(v);
		return oom(r);
	}
	if (attach(r, v, ev, 0, "") < 0)
		return -1;
	struct frame *f = &r->stack[r->depth++];

	f->node = c;
	free(f->key); /* NULL, unless libyaml ended a mapping after a key */
	f->key = NULL;
	f->span = (long)r->d->n_spans - 1;
	return 0;
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int check_unique(struct reader *r, const cJSON *obj, const yaml_event_t *ev)
{
	int n = cJSON_GetArraySize(obj), i = 0, rc = 0;
	const char **keys;

	if (n < 2)
		return 0;
	keys = malloc((size_t)n * sizeof *keys);
	if (!keys)
		return oom(r);
	for (const cJSON *c = obj->child; c; c = c->next)
		keys[i++] = c->string;
	qsort(keys, (size_t)n, sizeof *keys, cmp_keys);
	for (i = 1; i < n && rc == 0; i++)
		if (strcmp(keys[i - 1], keys[i]) == 0)
			rc = fc_fail(r->e, FC_ERR_INPUT,
				     "%s: the mapping that ends at line %zu has the "
				     "key \"%.200s\" twice: remove one", r->what,
				     ev->end_mark.line + 1, keys[i]);
	free(keys);
	return rc;
}

static int on_end(struct reader *r, const yaml_event_t *ev)
{
	struct frame *f = &r->stack[--r->depth];
	struct yaml_span *s = &r->d->spans[f->span];

	if (s->flow)
		r->last_end = byte_at(r, ev->end_mark.index);
	s->end = r->last_end;
	if (cJSON_IsObject(f->node))
		return check_unique(r, f->node, ev);
	return 0;
}

static int on_event(struct reader *r, const yaml_event_t *ev, int *docs)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++*docs > 1)
			return fail_at(r, &ev->start_mark, "a template is one YAML "
				       "document; remove the second one (after ---)");
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(r, ev);
	case YAML_ALIAS_EVENT:
		return on_alias(r, ev);
	case YAML_MAPPING_START_EVENT:
		return on_start(r, ev, 1);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(r, ev, 0);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		return on_end(r, ev);
	default:
		return 0;
	}
}

int yaml_doc_parse(const char *text, size_t len, const char *what,
		   struct yaml_doc *d, struct fc_err *e)
{
	struct reader r = { .text = text, .len = len, .what = what, .d = d, .e = e };
	yaml_parser_t p;
	int docs = 0, rc = -1, done = 0;

	memset(d, 0, sizeof *d);
	if (len >= 2 && (((unsigned char)text[0] == 0xfe && (unsigned char)text[1] == 0xff) ||
			 ((unsigned char)text[0] == 0xff && (unsigned char)text[1] == 0xfe)))
		return fc_fail(e, FC_ERR_INPUT, "%s is UTF-16: save it as UTF-8", what);
	if (!yaml_parser_initialize(&p))
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (!done) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&p, &ev)) {
			if (p.error == YAML_MEMORY_ERROR)
				fc_fail(e, FC_ERR_SYSTEM, "out of memory");
			else
				fc_fail(e, FC_ERR_INPUT, "%s is not valid YAML: line %zu, "
					"column %zu: %s%s%s", what, p.problem_mark.line + 1,
					p.problem_mark.column + 1,
					p.problem ? p.problem : "syntax error",
					p.context ? " " : "", p.context ? p.context : "");
			goto out;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		int bad = on_event(&r, &ev, &docs);

		yaml_event_delete(&ev);
		if (bad < 0)
			goto out;
	}
	if (!d->root) {
		fc_fail(e, FC_ERR_INPUT, "%s is empty", what);
		goto out;
	}
	rc = 0;
out:
	for (int i = 0; i <= JSON_DOC_MAX_DEPTH; i++)
		free(r.stack[i].key);
	yaml_parser_delete(&p);
	if (rc < 0)
		yaml_doc_free(d);
	return rc;
}

const struct yaml_span *yaml_doc_span(const struct yaml_doc *d, const cJSON *node)
{
	for (size_t i = 0; i < d->n_spans; i++)
		if (d->spans[i].node == node)
			return &d->spans[i];
	return NULL;
}

void yaml_doc_free(struct yaml_doc *d)
{
	cJSON_Delete(d->root);
	free(d->spans);
	free(d->anchors);
	memset(d, 0, sizeof *d);
}
