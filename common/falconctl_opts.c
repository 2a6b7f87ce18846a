/* falconctl_opts.c: checking the falconctl options this sensor implements
 * and setting the others aside. To understand a new option, add a row to
 * `table` and a field to struct falconctl_opts. */
#include "falconctl_opts.h"

#include <stdio.h>
#include <string.h>

struct known_opt {
	const char *name;
	int (*set)(struct falconctl_opts *o, const char *value, struct fc_err *e);
};

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]) || !s[i])
			return 0;
	return 1;
}

static int set_cid(struct falconctl_opts *o, const char *v, struct fc_err *e)
{
	if (strlen(v) != 35 || !is_hex(v, 32) || v[32] != '-' || !is_hex(v + 33, 2))
		return fc_fail(e, FC_ERR_USAGE,
			       "--cid=%s is not a customer ID: expected 32 hex digits, "
			       "'-' and a 2-digit checksum; re-run falcon-patcher with "
			       "the right -cid", v);
	o->cid = v;
	return 0;
}

static int set_trace(struct falconctl_opts *o, const char *v, struct fc_err *e)
{
	static const char *const levels[] = {
		[FC_TRACE_NONE] = "none", [FC_TRACE_ERR] = "err",
		[FC_TRACE_WARN] = "warn", [FC_TRACE_INFO] = "info",
		[FC_TRACE_DEBUG] = "debug",
	};

	for (size_t i = 0; i < sizeof levels / sizeof *levels; i++) {
		if (strcmp(v, levels[i]) == 0) {
			o->trace = (enum fc_trace)i;
			return 0;
		}
	}
	return fc_fail(e, FC_ERR_USAGE,
		       "--trace=%s is not a trace level: use none, err, warn, info "
		       "or debug", v);
}

/* Only checks: the caller sets o->fail from every --fail word, valid or not. */
static int set_fail(struct falconctl_opts *o, const char *v, struct fc_err *e)
{
	(void)o;
	if (strcmp(v, "open") == 0 || strcmp(v, "closed") == 0)
		return 0;
	return fc_fail(e, FC_ERR_USAGE,
		       "--fail=%s is not a fail mode: use open or closed (taken as "
		       "closed until fixed)", v);
}

/* Falcon's rule for grouping tags: letters, digits, '/', '-' and '_',
 * separated by commas. */
static int set_tags(struct falconctl_opts *o, const char *v, struct fc_err *e)
{
	size_t len = 0;

	for (const char *p = v;; p++) {
		if (*p == ',' || !*p) {
			if (len == 0)
				return fc_fail(e, FC_ERR_USAGE, "--tags=%s has an empty tag: "
					       "write --tags=a,b", v);
			if (!*p)
				break;
			len = 0;
			continue;
		}
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789/-_", *p))
			return fc_fail(e, FC_ERR_USAGE, "--tags=%s: a tag may hold only "
				       "letters, digits, '/', '-' and '_' (tags are "
				       "separated by commas)", v);
		len++;
	}
	o->tags = v;
	return 0;
}

static int set_sink(struct falconctl_opts *o, const char *v, struct fc_err *e)
{
	if (strcmp(v, "stderr") != 0 && (strncmp(v, "file:", 5) != 0 || !v[5]))
		return fc_fail(e, FC_ERR_USAGE, "--sink=%s is not an event sink: use "
			       "stderr or file:PATH", v);
	o->sink = v;
	return 0;
}

static int set_seccomp(struct falconctl_opts *o, const char *v, struct fc_err *e)
{
	if (strcmp(v, "on") == 0)
		o->seccomp = FC_SECCOMP_ON;
	else if (strcmp(v, "off") == 0)
		o->seccomp = FC_SECCOMP_OFF;
	else
		return fc_fail(e, FC_ERR_USAGE, "--seccomp=%s: use on, or off for "
			       "applications that need setuid (slower)", v);
	return 0;
}

static int set_container(struct falconctl_opts *o, const char *v, struct fc_err *e)
{
	size_t n = strlen(v);

	if (n > 255 || strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			      "0123456789_-") != n)
		return fc_fail(e, FC_ERR_USAGE, "--container-name=%s is not an ECS "
			       "container name (up to 255 letters, digits, '_' and '-')",
			       v);
	o->container = v;
	return 0;
}

static int set_mode(struct falconctl_opts *o, const char *v, struct fc_err *e)
{
	if (strcmp(v, "detect") == 0)
		o->mode = FC_MODE_DETECT;
	else if (strcmp(v, "prevent") == 0)
		o->mode = FC_MODE_PREVENT;
	else
		return fc_fail(e, FC_ERR_USAGE, "--mode=%s: use detect (report only) or "
			       "prevent (apply the rules' deny and kill actions)", v);
	return 0;
}

/* The file is read by the sensor at start, inside the container; here
 * only the form is checked, since the patcher and the launcher cannot see
 * the application's filesystem. */
static int set_rules(struct falconctl_opts *o, const char *v, struct fc_err *e)
{
	if (v[0] != '/')
		return fc_fail(e, FC_ERR_USAGE, "--rules=%s: give the rules file's "
			       "absolute path inside the container", v);
	o->rules = v;
	return 0;
}

static int set_file_events(struct falconctl_opts *o, const char *v, struct fc_err *e)
{
	if (strcmp(v, "on") == 0)
		o->file_events = FC_FILE_EVENTS_ON;
	else if (strcmp(v, "off") == 0)
		o->file_events = FC_FILE_EVENTS_OFF;
	else
		return fc_fail(e, FC_ERR_USAGE, "--file-events=%s: use on, or off for "
			       "applications that write many files (no file events or "
			       "file rules)", v);
	return 0;
}

static int set_entrants(struct falconctl_opts *o, const char *v, struct fc_err *e)
{
	if (strcmp(v, "auto") == 0)
		o->entrants = FC_ENTRANTS_AUTO;
	else if (strcmp(v, "on") == 0)
		o->entrants = FC_ENTRANTS_ON;
	else if (strcmp(v, "off") == 0)
		o->entrants = FC_ENTRANTS_OFF;
	else
		return fc_fail(e, FC_ERR_USAGE, "--entrants=%s: use auto (trace processes "
			       "that enter the container from outside, in a container), "
			       "on, or off", v);
	return 0;
}

const char *const falconctl_allow_names[] = {
	"io-uring", "user-namespace", "compat-abi", "chroot", "net-raw", "sys-nice",
	NULL,
};

/* Strict, like the other options: an unknown or repeated name would be a
 * refusal the user believes lifted, or a typo that lifts nothing. */
static int set_allow(struct falconctl_opts *o, const char *v, struct fc_err *e)
{
	char valid[160] = "";
	size_t used = 0;

	for (size_t i = 0; falconctl_allow_names[i] && used < sizeof valid; i++) {
		int w = snprintf(valid + used, sizeof valid - used, "%s%s", i ? ", " : "",
				 falconctl_allow_names[i]);

		used += w > 0 ? (size_t)w : 0;
	}
	o->allow = 0;
	for (const char *p = v;;) {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; falconctl_allow_names[i]; i++)
			if (strlen(falconctl_allow_names[i]) == len &&
			    strncmp(p, falconctl_allow_names[i], len) == 0)
				break;
		if (len == 0)
			return fc_fail(e, FC_ERR_USAGE, "--allow=%s has an empty name: "
				       "write --allow=a,b with names among %s", v, valid);
		if (!falconctl_allow_names[i])
			return fc_fail(e, FC_ERR_USAGE, "--allow=%s: \"%.*s\" is not a "
				       "refusal the sensor can lift: use %s", v, (int)len, p,
				       valid);
		if (o->allow & (1U << i))
			return fc_fail(e, FC_ERR_USAGE, "--allow=%s names \"%s\" twice",
				       v, falconctl_allow_names[i]);
		o->allow |= 1U << i;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static const struct known_opt table[] = {
	{ "cid", set_cid },
	{ "trace", set_trace },
	{ "fail", set_fail },
	{ "tags", set_tags },
	{ "sink", set_sink },
	{ "seccomp", set_seccomp },
	{ "container-name", set_container },
	{ "mode", set_mode },
	{ "rules", set_rules },
	{ "file-events", set_file_events },
	{ "allow", set_allow },
	{ "entrants", set_entrants },
};

#define N_KNOWN (sizeof table / sizeof *table)

/* The row for a word "--name" or "--name=value", or NULL. */
static const struct known_opt *lookup(const char *w, const char **value)
{
	const char *eq;
	size_t len;

	if (strncmp(w, "--", 2) != 0)
		return NULL;
	w += 2;
	eq = strchr(w, '=');
	len = eq ? (size_t)(eq - w) : strlen(w);
	for (size_t i = 0; i < N_KNOWN; i++) {
		if (strlen(table[i].name) == len && strncmp(w, table[i].name, len) == 0) {
			*value = eq ? eq + 1 : NULL;
			return &table[i];
		}
	}
	return NULL;
}

int falconctl_opts_parse(char *const *words, size_t n, struct falconctl_opts *o,
			 const char **known, size_t *n_known,
			 const char **unknown, size_t *n_unknown,
			 struct fc_err *e)
{
	const struct known_opt *seen[N_KNOWN] = { 0 };
	int rc = 0;

	*o = (struct falconctl_opts){ .trace = FC_TRACE_WARN, .fail = FC_FAIL_OPEN };
	*n_known = 0;
	*n_unknown = 0;
	for (size_t i = 0; i < n; i++) {
		const char *value = NULL;
		const struct known_opt *k = lookup(words[i], &value);

		if (!k) {
			unknown[(*n_unknown)++] = words[i];
			continue;
		}
		known[(*n_known)++] = words[i];
		if (k->set == set_fail && strcmp(words[i], "--fail=open") != 0)
			o->fail = FC_FAIL_CLOSED;
		if (rc < 0)
			continue; /* report the first problem only */
		if (seen[k - table]) {
			rc = fc_fail(e, FC_ERR_USAGE,
				     "--%s is given twice; give it once", k->name);
		} else if (!value || !*value) {
			rc = fc_fail(e, FC_ERR_USAGE,
				     "--%s needs a value: write --%s=VALUE", k->name,
				     k->name);
		} else {
			rc = k->set(o, value, e);
		}
		seen[k - table] = k;
	}
	if (rc == 0 && !o->cid)
		rc = fc_fail(e, FC_ERR_USAGE,
			     "no --cid=<customer ID>; re-run falcon-patcher with -cid");
	return rc;
}

enum fc_fail_mode falconctl_fail_mode_of_text(const char *text)
{
	for (const char *p = strstr(text, "--fail"); p; p = strstr(p + 1, "--fail")) {
		const char *rest = p + strlen("--fail");

		if (*rest && *rest != '=' && !strchr(" \t\n", *rest))
			continue; /* a longer option name, such as --failover */
		if (strncmp(rest, "=open", 5) == 0 &&
		    (!rest[5] || strchr(" \t\n", rest[5])))
			continue;
		return FC_FAIL_CLOSED;
	}
	return FC_FAIL_OPEN;
}
