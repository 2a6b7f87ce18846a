/* yaml_emit.h: writing the cJSON shape of yaml_doc.h back as YAML, in the
 * block style that hand-written CloudFormation templates use. Values
 * read as they were: tags stay short forms, raw scalars are written as they
 * came, and a string is quoted exactly when a reader could take it for
 * something else. */
#ifndef FC_PATCHER_YAML_EMIT_H
#define FC_PATCHER_YAML_EMIT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "strbuf.h"

/* Appends v (any value) in block style as if it started at column indent,
 * with nested collections `unit` columns further in. The first line gets
 * no indentation (the caller is already there); no line break at the end. */
void yaml_emit_block(struct strbuf *o, const cJSON *v, size_t indent, size_t unit);

/* Appends v in flow style, on one line: {Key: value, List: [a, b]}. */
void yaml_emit_flow(struct strbuf *o, const cJSON *v);

#endif
