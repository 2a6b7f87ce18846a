/* fuzz_task_meta.c: libFuzzer target for the ECS task metadata replies
 * (task_meta.c). The first byte picks the parser (even: the task reply,
 * odd: the container reply); the rest is the body. Beyond "no crash, no
 * leak", it checks what the events rely on: a refused reply leaves every
 * field as it was, with a one-line message; an accepted one replaces only
 * its own fields, each NULL or a non-empty string of at most 1024 bytes;
 * and region and account are exactly those parts of the task ARN. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "task_meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NFIELDS 11

static char **fields(struct task_meta *m, char **f[NFIELDS])
{
	char **all[NFIELDS] = {
		&m->task_arn, &m->cluster, &m->family, &m->revision,
		&m->availability_zone, &m->launch_type, &m->region, &m->account,
		&m->container_name, &m->container_id, &m->image,
	};

	memcpy(f, all, sizeof all);
	return f[0];
}

/* The first eight are the task reply's, the last three the container's. */
static int is_task_field(int i)
{
	return i < 8;
}

static void check_arn_parts(const struct task_meta *m)
{
	const char *arn = m->task_arn, *p;
	size_t rl, al;

	if (!m->region != !m->account)
		abort();
	if (!m->region)
		return;
	if (!arn || strncmp(arn, "arn:", 4) != 0)
		abort();
	/* arn:PARTITION:ecs:REGION:ACCOUNT:task/... */
	p = strchr(arn + 4, ':');
	if (!p || strncmp(p, ":ecs:", 5) != 0)
		abort();
	p += 5;
	rl = strlen(m->region);
	al = strlen(m->account);
	if (rl == 0 || al != 12 || strncmp(p, m->region, rl) != 0 || p[rl] != ':' ||
	    strncmp(p + rl + 1, m->account, al) != 0 ||
	    strncmp(p + rl + 1 + al, ":task/", 6) != 0)
		abort();
	for (size_t i = 0; i < al; i++) {
		if (m->account[i] < '0' || m->account[i] > '9')
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct task_meta m = { 0 };
	struct fc_err e = { 0 };
	char **f[NFIELDS], *before[NFIELDS];
	int container, rc;

	if (size < 1)
		return 0;
	container = data[0] & 1;
	/* Every field set beforehand, so that "replaced" and "left alone"
	 * can both be seen. */
	fields(&m, f);
	for (int i = 0; i < NFIELDS; i++) {
		*f[i] = strdup("before");
		if (!*f[i])
			abort();
		before[i] = *f[i];
	}
	rc = container ? task_meta_parse_container((const char *)data + 1, size - 1, &m, &e)
		       : task_meta_parse_task((const char *)data + 1, size - 1, &m, &e);
	if (rc != 0) {
		if (rc != -1 || e.kind == FC_ERR_NONE || !e.msg[0] || strchr(e.msg, '\n'))
			abort();
		for (int i = 0; i < NFIELDS; i++) {
			if (*f[i] != before[i])
				abort();
		}
	} else {
		for (int i = 0; i < NFIELDS; i++) {
			int own = container ? !is_task_field(i) : is_task_field(i);

			if (!own && *f[i] != before[i])
				abort();
			if (own && *f[i] && (strlen(*f[i]) == 0 || strlen(*f[i]) > 1024))
				abort();
		}
		if (!container && !m.task_arn)
			abort();
		if (container && !m.container_name)
			abort();
		if (!container)
			check_arn_parts(&m);
	}
	task_meta_free(&m);
	return 0;
}
