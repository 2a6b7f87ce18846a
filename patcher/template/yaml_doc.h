/* yaml_doc.h: a YAML document (a CloudFormation template) read into the
 * cJSON shape that json_doc gives for JSON, together with where each
 * collection sits in the text, so that a caller can replace one value in
 * place and keep every other byte, comments included.
 *
 * The shape, chosen so that writing a value back gives the same YAML:
 * - a plain scalar that a YAML reader could take for something other than
 *   a string (80, 1.5, true, yes, ~, 2024-01-31) is a cJSON_Raw with its
 *   text as written; a plain "null" or an empty value is a cJSON null;
 * - any other scalar is a string;
 * - a tagged node (CloudFormation's short forms !Ref x, !Sub "...", and
 *   core tags such as !!int 5) is an object with a single member named
 *   after the tag, "!Ref" or "!!int", whose value is the node itself;
 * - an alias (*name) is a cJSON_Raw "*name".
 * Keys starting with '!' are refused, so a tag can never be mistaken for a
 * key. Limits as json_doc: no duplicate keys, depth JSON_DOC_MAX_DEPTH. */
#ifndef FC_PATCHER_YAML_DOC_H
#define FC_PATCHER_YAML_DOC_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"

/* Where a mapping or sequence sits in the text. */
struct yaml_span {
	const cJSON *node;
	size_t start, end;  /* byte offsets; [start, end) ends at the last
			     * character of the content (no comment or line
			     * break after it) */
	size_t column;      /* column of start */
	long key_column;    /* column of the key whose value this is, or -1 */
	int flow;           /* written as {...} or [...] */
};

struct yaml_doc {
	cJSON *root;
	struct yaml_span *spans;
	size_t n_spans, cap_spans;
	size_t *anchors;    /* byte offset of every node with an &anchor */
	size_t n_anchors, cap_anchors;
};

/* Parses exactly len bytes of one YAML document. Returns 0, or -1 with
 * FC_ERR_INPUT (or FC_ERR_SYSTEM when out of memory); `what` names the
 * input in messages. */
int yaml_doc_parse(const char *text, size_t len, const char *what,
		   struct yaml_doc *d, struct fc_err *e);

/* The span of a mapping or sequence of d's tree, or NULL. */
const struct yaml_span *yaml_doc_span(const struct yaml_doc *d, const cJSON *node);

void yaml_doc_free(struct yaml_doc *d);

/* 0 when a YAML 1.1 or 1.2 reader could take the plain scalar s for
 * something other than a string (a number, boolean, null, date or merge
 * key); 1 when it is certainly a string. */
int yaml_plain_is_string(const char *s);

#endif
