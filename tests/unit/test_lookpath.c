/* test_lookpath.c: the launcher's executable lookup. lookpath_clean against
 * Go's own filepath.Clean cases; lookpath against a scratch tree of files
 * with and without execute bits, with the PATH shapes Go handles specially. */
#include "unit.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lookpath.h"

static const struct {
	const char *in, *out;
} cleans[] = {
	/* From Go's path/filepath tests. */
	{ "abc", "abc" }, { "abc/def", "abc/def" }, { "a/b/c", "a/b/c" },
	{ ".", "." }, { "..", ".." }, { "../..", "../.." }, { "../../abc", "../../abc" },
	{ "/abc", "/abc" }, { "/", "/" }, { "", "." },
	{ "abc/", "abc" }, { "abc/def/", "abc/def" }, { "a/b/c/", "a/b/c" },
	{ "./", "." }, { "../", ".." }, { "../../", "../.." }, { "/abc/", "/abc" },
	{ "abc//def//ghi", "abc/def/ghi" }, { "//abc", "/abc" }, { "///abc", "/abc" },
	{ "//abc//", "/abc" }, { "abc//", "abc" },
	{ "abc/./def", "abc/def" }, { "/./abc/def", "/abc/def" }, { "abc/.", "abc" },
	{ "abc/def/ghi/../jkl", "abc/def/jkl" }, { "abc/def/../ghi/../jkl", "abc/jkl" },
	{ "abc/def/..", "abc" }, { "abc/def/../..", "." }, { "/abc/def/../..", "/" },
	{ "abc/def/../../..", ".." }, { "/abc/def/../../..", "/" },
	{ "abc/def/../../../ghi/jkl/../../../mno", "../../mno" },
	{ "/../abc", "/abc" }, { "a/../b:/../../c", "../c" },
	{ "abc/./../def", "def" }, { "abc//./../def", "def" }, { "abc/../../././../def", "../../def" },
	/* What the lookup joins. */
	{ "/usr/local/bin/./app", "/usr/local/bin/app" }, { "/opt/x/../bin/app", "/opt/bin/app" },
};

static void test_clean(void)
{
	for (size_t i = 0; i < sizeof cleans / sizeof *cleans; i++) {
		char buf[128];

		snprintf(buf, sizeof buf, "%s", cleans[i].in);
		lookpath_clean(buf);
		unit_streq(buf, cleans[i].out, cleans[i].in);
	}
}

static char dir[64];

static void make(const char *name, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		fchmod(fd, mode);
		close(fd);
	}
}

/* Looks name up in path_env; checks the result kind and, when found, the
 * path relative to the scratch directory. */
static void expect(const char *name, const char *path_env, enum lookpath_result want,
		   const char *want_path, const char *msg)
{
	struct fc_err e = { 0 };
	char *got = NULL, full[256] = "";
	enum lookpath_result r = lookpath(name, path_env, &got, &e);

	/* "=x": exactly x; "/x": x; "x": x below the scratch directory. */
	if (want_path && want_path[0] == '=')
		snprintf(full, sizeof full, "%s", want_path + 1);
	else if (want_path)
		snprintf(full, sizeof full, want_path[0] == '/' ? "%s%s" : "%s/%s",
			 want_path[0] == '/' ? "" : dir, want_path);
	if (!CHECK(r == want && (!want_path || (got && strcmp(got, full) == 0)) &&
		   (r == LOOKPATH_FOUND || strstr(e.msg, msg)),
		   "lookpath(\"%s\", \"%s\"): %s", name, path_env ? path_env : "(unset)", msg))
		unit_diag("result %d, path %s, message %s", (int)r, got ? got : "-", e.msg);
	free(got);
}

static void test_lookpath(void)
{
	char p1[512], p2[512], p3[512], abs[256];

	snprintf(dir, sizeof dir, "/tmp/fc-lookpath.XXXXXX");
	if (!CHECK(mkdtemp(dir) != NULL, "scratch directory"))
		return;
	mkdir(strcat(strcpy(abs, dir), "/a"), 0755);
	mkdir(strcat(strcpy(abs, dir), "/b"), 0755);
	mkdir(strcat(strcpy(abs, dir), "/a/sub"), 0755);
	make("a/tool", 0644);
	make("b/tool", 0755);
	make("a/only-a", 0700);
	make("b/plain", 0600);
	make("here", 0755);
	snprintf(p1, sizeof p1, "%s/a:%s/b", dir, dir);
	snprintf(p2, sizeof p2, "%s/a/:%s//b/./", dir, dir);
	snprintf(p3, sizeof p3, "%s/a:%s/b:", dir, dir);

	expect("tool", p1, LOOKPATH_FOUND, "b/tool", "a non-executable match is skipped");
	expect("tool", p2, LOOKPATH_FOUND, "b/tool", "the result is cleaned");
	expect("only-a", p1, LOOKPATH_FOUND, "a/only-a", "mode 0700 counts for root");
	expect("plain", p1, LOOKPATH_NOT_FOUND, NULL, "executable file not found in $PATH");
	expect("sub", p1, LOOKPATH_NOT_FOUND, NULL, "not found in $PATH");
	expect("nothing", p1, LOOKPATH_NOT_FOUND, NULL, "not found in $PATH");
	expect("tool", "", LOOKPATH_NOT_FOUND, NULL, "not found in $PATH (PATH=)");
	expect("tool", NULL, LOOKPATH_NOT_FOUND, NULL, "not found in $PATH");
	expect("", p1, LOOKPATH_NOT_FOUND, NULL, "not found in $PATH");

	if (!CHECK(chdir(dir) == 0, "chdir to the scratch directory"))
		return;
	expect("here", p3, LOOKPATH_NOT_FOUND, NULL, "(PATH entry \"\", which means \".\")");
	expect("here", ".", LOOKPATH_NOT_FOUND, NULL, "(PATH entry \".\")");
	expect("here", "::", LOOKPATH_NOT_FOUND, NULL, "relative to the current directory");
	expect("tool", "b", LOOKPATH_NOT_FOUND, NULL, "(PATH entry \"b\")");
	expect("tool", p3, LOOKPATH_FOUND, "b/tool", "a trailing ':' matters only if reached");
	expect("./here", NULL, LOOKPATH_FOUND, "=./here", "a relative path with a slash");
	expect("a/../here", NULL, LOOKPATH_FOUND, "=a/../here",
	       "a path with a slash is used as it is, as Go does");
	snprintf(abs, sizeof abs, "%s/b/tool", dir);
	expect(abs, "", LOOKPATH_FOUND, abs, "an absolute path ignores PATH");
	expect("./a/tool", p1, LOOKPATH_NOT_EXECUTABLE, NULL, "Permission denied");
	expect("./a", p1, LOOKPATH_NOT_EXECUTABLE, NULL, "Is a directory");
	expect("./missing", p1, LOOKPATH_NOT_FOUND, NULL, "no such file or directory");
	expect("./here/x", p1, LOOKPATH_NOT_EXECUTABLE, NULL, "Not a directory");
}

int main(void)
{
	test_clean();
	test_lookpath();
	if (dir[0]) {
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		if (system(cmd) != 0)
			unit_diag("could not remove %s", dir);
	}
	return unit_done();
}
