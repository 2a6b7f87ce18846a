/* test_identity.c: files and programs by inode (identity.h). Tables for
 * the pure parts (which argument ld.so loads, a multicall's applet, which
 * names are the loader), then on real files in a scratch directory: a hard
 * link of a sensitive file is that file, "written since start" follows
 * ctime (a file made before start is not, one written after is, and
 * touch -d cannot take a file back to before start). */
#include "unit.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "identity.h"

static void strv_of(struct tstrv *v, const char *const *args)
{
	size_t used = 0;

	memset(v, 0, sizeof *v);
	v->buf = malloc(ARGV_MAX_TOTAL);
	for (size_t i = 0; args[i]; i++) {
		size_t n = strlen(args[i]);

		memcpy(v->buf + used, args[i], n + 1);
		v->off[i] = (uint32_t)used;
		v->len[i] = (uint32_t)n;
		used += n + 1;
		v->n = i + 1;
	}
	v->used = used;
	v->cap = ARGV_MAX_TOTAL;
}

static const struct {
	const char *args[8];
	size_t want;             /* 0: none */
	const char *argv0, *preload, *audit;
} loader_table[] = {
	{ { "ld.so", "/tmp/x", NULL }, 1, NULL, NULL, NULL },
	{ { "ld.so", "/tmp/x", "--preload", "y", NULL }, 1, NULL, NULL, NULL },
	{ { "ld.so", "--library-path", "/tmp", "/tmp/x", NULL }, 3, NULL, NULL, NULL },
	{ { "ld.so", "--argv0", "nc", "/tmp/x", NULL }, 3, "nc", NULL, NULL },
	{ { "ld.so", "--preload", "/tmp/a.so", "--audit", "/tmp/b.so", "/bin/true", NULL },
	  5, NULL, "/tmp/a.so", "/tmp/b.so" },
	{ { "ld.so", "--preload=/tmp/a.so", "/bin/true", NULL }, 2, NULL, "/tmp/a.so", NULL },
	{ { "ld.so", "--inhibit-cache", "--inhibit-rpath", "x", "/bin/true", NULL }, 4,
	  NULL, NULL, NULL },
	{ { "ld.so", "--verify", "/bin/true", NULL }, 2, NULL, NULL, NULL },
	{ { "ld.so", "--", "/bin/true", NULL }, 2, NULL, NULL, NULL },
	{ { "ld.so", "--list", NULL }, 0, NULL, NULL, NULL },
	{ { "ld.so", "--library-path", NULL }, 0, NULL, NULL, NULL },
	{ { "ld.so", NULL }, 0, NULL, NULL, NULL },
};

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void test_loader(void)
{
	static const struct {
		const char *base;
		int want;
	} names[] = {
		{ "ld-linux-x86-64.so.2", 1 }, { "ld-linux-aarch64.so.1", 1 }, { "ld-linux.so.2", 1 },
		{ "ld-musl-x86_64.so.1", 1 }, { "ld.so", 1 }, { "ld", 0 }, { "ldd", 0 },
		{ "ld-2.36.so", 0 }, { "libc.so.6", 0 },
	};

	for (size_t i = 0; i < sizeof names / sizeof *names; i++)
		CHECK(identity_is_loader(names[i].base) == names[i].want, "%s %s the loader",
		      names[i].base, names[i].want ? "is" : "is not");
	for (size_t i = 0; i < sizeof loader_table / sizeof *loader_table; i++) {
		struct tstrv v;
		const char *a0, *pre, *aud;
		size_t got;

		strv_of(&v, loader_table[i].args);
		got = identity_loader_program(&v, &a0, &pre, &aud);
		if (!CHECK(got == loader_table[i].want && same(a0, loader_table[i].argv0) &&
			   same(pre, loader_table[i].preload) && same(aud, loader_table[i].audit),
			   "ld.so's program, case %zu (%s %s)", i, loader_table[i].args[1] ?
			   loader_table[i].args[1] : "", loader_table[i].args[2] ?
			   loader_table[i].args[2] : ""))
			unit_diag("got %zu argv0 %s preload %s audit %s", got, a0 ? a0 : "-",
				  pre ? pre : "-", aud ? aud : "-");
		tstrv_free(&v);
	}
}

static void test_applet(void)
{
	static const struct {
		const char *argv0, *argv1, *want;
	} t[] = {
		{ "sh", "-c", "sh" }, { "/bin/nc", "-e", "nc" }, { "busybox", "nc", "nc" },
		{ "/bin/busybox", "/usr/bin/env", "env" }, { "toybox", "nohup", "nohup" },
		{ "busybox", NULL, NULL }, { NULL, NULL, NULL }, { "", "x", NULL },
	};

	for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
		const char *got = identity_applet(t[i].argv0, t[i].argv1);

		CHECK(same(got, t[i].want), "applet of %s %s: %s", t[i].argv0 ? t[i].argv0 : "NULL",
		      t[i].argv1 ? t[i].argv1 : "NULL", t[i].want ? t[i].want : "none");
	}
}

static void test_files(void)
{
	char dir[] = "/var/tmp/fc-test-identity.XXXXXX", old[256], secret[256], hard[256],
	     fresh[256], rules[1024];
	struct ruleset rs = { 0 };
	struct fc_err e = { 0 };
	struct identity id;
	struct stat st;
	struct timespec pause = { 0, 20 * 1000 * 1000 };

	if (!CHECK(mkdtemp(dir) != NULL, "a scratch directory"))
		return;
	snprintf(old, sizeof old, "%s/old", dir);
	snprintf(secret, sizeof secret, "%s/secret", dir);
	snprintf(hard, sizeof hard, "%s/innocent", dir);
	snprintf(fresh, sizeof fresh, "%s/fresh", dir);
	close(open(old, O_CREAT | O_WRONLY, 0755));
	close(open(secret, O_CREAT | O_WRONLY, 0600));
	CHECK(link(secret, hard) == 0, "a hard link of the secret");
	snprintf(rules, sizeof rules, "{\"sensitive_paths\": [\"%s/sec*\"], \"rules\": []}", dir);
	CHECK(ruleset_add_text(&rs, "t", rules, strlen(rules), &e) == 0, "rules: %s", e.msg);
	/* The coarse clock ticks every few ms: files made before start must
	 * be a tick older than it. */
	nanosleep(&pause, NULL);
	identity_init(&id, &rs);
	nanosleep(&pause, NULL);

	CHECK(stat(hard, &st) == 0 && identity_sensitive(&id, &st) &&
	      strcmp(identity_sensitive(&id, &st), secret) == 0,
	      "a hard link of a sensitive file is known as the file");
	CHECK(stat(old, &st) == 0 && !identity_sensitive(&id, &st),
	      "another file is not sensitive");
	CHECK(stat(old, &st) == 0 && !identity_written_since_start(&id, &st),
	      "a file made before start is not written since start");
	close(open(fresh, O_CREAT | O_WRONLY, 0755));
	CHECK(stat(fresh, &st) == 0 && identity_written_since_start(&id, &st),
	      "a file made after start is written since start");
	{
		struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

		CHECK(utimensat(AT_FDCWD, fresh, ts, 0) == 0 && stat(fresh, &st) == 0 &&
		      st.st_mtim.tv_sec == 1000000000 && identity_written_since_start(&id, &st),
		      "touch -d 2001 moves mtime, not ctime: still written since start");
	}
	{
		char moved[300];

		snprintf(moved, sizeof moved, "%s/old-linked", dir);
		CHECK(link(old, moved) == 0 && stat(moved, &st) == 0 &&
		      identity_written_since_start(&id, &st),
		      "a new hard link of an old file makes it written since start (ctime)");
		unlink(moved);
	}
	memset(&st, 0, sizeof st);
	CHECK(!identity_written_since_start(&id, &st) && !identity_sensitive(&id, &st),
	      "an unknown file (st_ino 0) is neither");
	identity_free(&id);
	ruleset_free(&rs);
	unlink(old);
	unlink(secret);
	unlink(hard);
	unlink(fresh);
	rmdir(dir);
}

int main(void)
{
	test_loader();
	test_applet();
	test_files();
	return unit_done();
}
