/* event_line.h: what every event line the sensor builds must be, for the
 * fuzz targets that build them: one line ending in '\n' (built at all:
 * every capped event fits the line limit), holding strict JSON as
 * json_doc.c reads it (UTF-8, no duplicate keys). Returns the parsed
 * document for more checks; aborts otherwise, printing the line. */
#ifndef FC_EVENT_LINE_H
#define FC_EVENT_LINE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"

static inline cJSON *event_line_check(const char *line, size_t len)
{
	struct fc_err e = { 0 };
	cJSON *doc;

	if (!line)
		abort();
	if (len == 0 || line[len - 1] != '\n' || memchr(line, '\n', len - 1))
		abort();
	doc = json_doc_parse(line, len - 1, "event", &e);
	if (!doc) {
		fprintf(stderr, "refused: %s\n%s", e.msg, line);
		abort();
	}
	return doc;
}

#endif
