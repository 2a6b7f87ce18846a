/* ocsf_finding.c: Detection Findings (2004). The evidence is the activity
 * that matched, with the same objects as its own event; for an exec the
 * process is the program about to run and the actor the one calling
 * execve. The rule is the analytic; its action and whether it was applied
 * are action_id and disposition_id (OCSF's security control profile):
 * Observed/Detected when only reported, Denied/Blocked when the sensor
 * refused the syscall or killed the process. */
#include <stdio.h>

#include "activity.h"
#include "ocsf_build.h"
#include "rules.h"

static const struct klass detection_finding = { 2, "Findings", 2004,
						"Detection Finding" };

static const char *const severity_caption[] = {
	"Unknown", "Informational", "Low", "Medium", "High", "Critical"
};

char *ocsf_finding(const struct ocsf_ctx *c, const struct rule *r,
		   const struct activity *a, int applied, size_t *len)
{
	static unsigned long long findings; /* the tracer's thread only */
	struct jout j;
	char uid[128];

	jout_init(&j, OCSF_LINE_MAX);
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
	snprintf(uid, sizeof uid, "%d-%llu-%s", (int)a->pid, ++findings, r->id);
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
	jout_obj_end(&j);
	return ocsf_finish(&j, len);
}
