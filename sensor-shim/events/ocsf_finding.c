/* ocsf_finding.c: Detection Findings (2004). The evidence is the activity
 * that matched, with the same objects as its own event; for an exec the
 * process is the program about to run and the actor the one calling
 * execve. The rule is the analytic; its action and whether it was applied
 * are action_id and disposition_id (OCSF's security control profile):
 * Observed/Detected when only reported, Denied/Blocked when the sensor
 * refused the syscall or killed the process.
 *
 * On a sink the application shares (stderr, a pipe), a line longer than
 * PIPE_BUF can be split by the application's own writes; a Finding must
 * arrive whole, so when c->finding_max is set its long strings and arrays
 * (command lines, argv, paths) are cut until it fits, and the Finding
 * says so (unmapped.truncated, unmapped.untruncated_bytes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activity.h"
#include "ocsf_build.h"
#include "rules.h"

static const struct klass detection_finding = { 2, "Findings", 2004,
						"Detection Finding" };

static const char *const severity_caption[] = {
	"Unknown", "Informational", "Low", "Medium", "High", "Critical"
};

/* The caps tried in turn, the first one none: string bytes, array strings.
 * The last always fits a PIPE_BUF line (a header, the rule, one process
 * and a path of 48 bytes each). */
static const size_t finding_caps[][2] = {
	{ 0, 0 }, { 1024, 16 }, { 512, 8 }, { 256, 8 }, { 128, 4 }, { 48, 2 },
};

static char *build(const struct ocsf_ctx *c, const struct rule *r,
		   const struct activity *a, int applied, const char *uid,
		   const size_t caps[2], size_t full, size_t *len)
{
	struct jout j;

	jout_init(&j, OCSF_LINE_MAX);
	jout_set_caps(&j, caps[0], caps[1]);
	ocsf_header(&j, c, ocsf_now_ms(), &detection_finding, 1, "Create",
		    r->severity_id, severity_caption[r->severity_id]);
	jout_kint(&j, "status_id", 1);
	jout_kstr(&j, "status", "New");
	jout_kbool(&j, "is_alert", 1);
	jout_kint(&j, "action_id", applied ? 2 : 3);
	jout_kstr(&j, "action", applied ? "Denied" : "Observed");
	jout_kint(&j, "disposition_id", applied ? 2 : 15);
	jout_kstr(&j, "disposition", applied ? "Blocked" : "Detected");

	jout_kobj(&j, "finding_info");
	jout_kstr(&j, "uid", uid);
	jout_kstr(&j, "title", r->title);
	jout_kobj(&j, "analytic");
	jout_kstr(&j, "uid", r->id);
	jout_kstr(&j, "name", r->title);
	jout_kint(&j, "type_id", 1);
	jout_kstr(&j, "type", "Rule");
	jout_obj_end(&j);
	if (r->mitre) {
		jout_karr(&j, "attacks");
		jout_obj_begin(&j);
		jout_kobj(&j, "technique");
		jout_kstr(&j, "uid", r->mitre);
		jout_obj_end(&j);
		jout_obj_end(&j);
		jout_arr_end(&j);
	}
	jout_obj_end(&j);

	jout_karr(&j, "evidences");
	jout_obj_begin(&j);
	ocsf_activity_objects(&j, a, 1);
	jout_obj_end(&j);
	jout_arr_end(&j);

	ocsf_unmapped_begin(&j, c);
	jout_kstr(&j, "rule_action", rule_action_name(r->action));
	jout_kstr(&j, "mode", c->mode ? c->mode : "detect");
	jout_kbool(&j, "applied", applied);
	jout_kbool(&j, "builtin_rule", r->builtin);
	ocsf_activity_unmapped(&j, a);
	if (j.cut > 0) {
		jout_kbool(&j, "truncated", 1);
		if (full > 0)
			jout_kint(&j, "untruncated_bytes", (long long)full);
	}
	jout_obj_end(&j);
	return ocsf_finish(&j, len);
}

char *ocsf_finding(const struct ocsf_ctx *c, const struct rule *r,
		   const struct activity *a, int applied, size_t *len)
{
	static unsigned long long findings; /* the tracer's thread only */
	size_t n = sizeof finding_caps / sizeof *finding_caps, full = 0;
	char uid[128], *line = NULL;

	snprintf(uid, sizeof uid, "%d-%llu-%s", (int)a->pid, ++findings, r->id);
	for (size_t i = 0; i < n; i++) {
		free(line);
		line = build(c, r, a, applied, uid, finding_caps[i], full, len);
		if (!c->finding_max || (line && *len <= c->finding_max))
			return line;
		if (i == 0 && line)
			full = *len;
	}
	return line; /* not reached with the caps above; whole if not atomic */
}

int ocsf_line_is_finding(const char *line, size_t len)
{
	/* ocsf_header writes "time" first and "category_uid" second. */
	static const char cat[] = ",\"category_uid\":2,";
	const char *p = memchr(line, ',', len < 40 ? len : 40);

	return p && (size_t)(line + len - p) > sizeof cat - 1 &&
	       memcmp(p, cat, sizeof cat - 1) == 0;
}
