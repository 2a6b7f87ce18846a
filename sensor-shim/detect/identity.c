/* identity.c: files and programs by inode (see identity.h). */
#include "identity.h"

#include <fnmatch.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "path_resolve.h"

/* Where a program name a rule gives is looked for. */
static const char *const std_dirs[] = {
	"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin",
};

static const char *const multicall_names[] = { "busybox", "toybox" };

/* Programs that run another one in their place (exec it, or after one
 * fork): to the rules, the program that ran them did it. */
static const char *const trampoline_names[] = {
	"env", "nohup", "nice", "timeout", "setsid", "stdbuf", "taskset", "ionice",
	"chrt", "chroot",
};

/* More names than this on one inode (from the rules' lists): a multicall
 * binary under a name we do not know (a coreutils single binary); its
 * names would say nothing. */
#define NAMES_PER_INODE 4

static int in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static int cmp_key(dev_t da, ino_t ia, dev_t db, ino_t ib)
{
	if (da != db)
		return da < db ? -1 : 1;
	if (ia != ib)
		return ia < ib ? -1 : 1;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct ino_name *x = a, *y = b;
	int c = cmp_key(x->dev, x->ino, y->dev, y->ino);

	return c ? c : strcmp(x->name, y->name);
}

/* The first entry with st's key, or NULL. */
static const struct ino_name *find(const struct ino_map *m, const struct stat *st)
{
	size_t lo = 0, hi = m->n;

	if (!st || st->st_ino == 0)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_key(m->v[mid].dev, m->v[mid].ino, st->st_dev, st->st_ino) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->n && m->v[lo].dev == st->st_dev && m->v[lo].ino == st->st_ino)
		return &m->v[lo];
	return NULL;
}

static void add(struct ino_map *m, const struct stat *st, const char *name,
		const char *what)
{
	if (m->n >= IDENTITY_MAX_INODES) {
		if (!m->full_reported)
			fc_log(FC_TRACE_WARN, "%d %s are known by inode; later ones are "
			       "known by name only", IDENTITY_MAX_INODES, what);
		m->full_reported = 1;
		return;
	}
	if (m->n == m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		struct ino_name *nv = realloc(m->v, ncap * sizeof *nv);

		if (!nv)
			return;
		m->v = nv;
		m->cap = ncap;
	}
	m->v[m->n].name = strdup(name);
	if (!m->v[m->n].name)
		return;
	m->v[m->n].dev = st->st_dev;
	m->v[m->n].ino = st->st_ino;
	m->n++;
}

/* Sorted, one entry per (inode, name). */
static void seal(struct ino_map *m)
{
	size_t k = 0;

	if (m->n)
		qsort(m->v, m->n, sizeof *m->v, cmp_entry);
	for (size_t i = 0; i < m->n; i++) {
		if (k && cmp_entry(&m->v[k - 1], &m->v[i]) == 0) {
			free(m->v[i].name);
			continue;
		}
		m->v[k++] = m->v[i];
	}
	m->n = k;
}

static void map_free(struct ino_map *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->v[i].name);
	free(m->v);
	memset(m, 0, sizeof *m);
}

void identity_pattern_files(const char *pattern, int literal,
			    int (*fn)(const char *path, const struct stat *st, void *arg),
			    void *arg)
{
	glob_t g;
	struct stat st;

	if (literal || !strpbrk(pattern, "*?[")) {
		if (stat(pattern, &st) == 0 && !S_ISDIR(st.st_mode))
			fn(pattern, &st, arg);
		return;
	}
	/* GLOB_PERIOD: "*" matches a leading dot, as fnmatch does for the
	 * path rules (an .ssh directory's files may start with a dot). */
	if (glob(pattern, GLOB_NOSORT | GLOB_PERIOD, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (stat(g.gl_pathv[i], &st) == 0 && !S_ISDIR(st.st_mode) &&
		    fn(g.gl_pathv[i], &st, arg))
			break;
	globfree(&g);
}

static int add_one_sensitive(const char *path, const struct stat *st, void *arg)
{
	struct identity *id = arg;

	add(&id->sensitive, st, path, "sensitive files");
	return id->sensitive.n >= IDENTITY_MAX_INODES;
}

/* A sensitive pattern's files (not directories) into the map. An inode
 * found under several names (hard links among the patterns' files) is
 * named by the first in sorted order. */
static void add_sensitive(struct identity *id, const char *pattern, int literal)
{
	identity_pattern_files(pattern, literal, add_one_sensitive, id);
}

/* The standard directories that are not another's alias (/bin is
 * /usr/bin on a merged /usr): each looked in once. */
#define N_DIRS (sizeof std_dirs / sizeof *std_dirs)
static const char *dirs[N_DIRS];
static size_t n_dirs;

static void find_dirs(void)
{
	struct stat seen[N_DIRS];

	memset(seen, 0, sizeof seen);
	n_dirs = 0;
	for (size_t d = 0; d < N_DIRS; d++) {
		struct stat st;
		size_t k;

		if (stat(std_dirs[d], &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		for (k = 0; k < n_dirs; k++)
			if (seen[k].st_dev == st.st_dev && seen[k].st_ino == st.st_ino)
				break;
		if (k < n_dirs)
			continue;
		seen[n_dirs] = st;
		dirs[n_dirs++] = std_dirs[d];
	}
}

static void add_program(struct identity *id, struct ino_map *m, const char *name)
{
	char path[PATH_RESOLVE_MAX];
	struct stat st;

	if (!name[0] || strchr(name, '/'))
		return;
	for (size_t d = 0; d < n_dirs; d++) {
		snprintf(path, sizeof path, "%s/%s", dirs[d], name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (m != &id->multicall && find(&id->multicall, &st))
			continue; /* busybox's sh is busybox: its applet says */
		add(m, &st, name, "program names");
	}
}

/* Inodes with more than NAMES_PER_INODE names become multicall ones. */
static void demote_crowds(struct identity *id)
{
	struct ino_map *m = &id->programs;
	size_t k = 0;

	for (size_t i = 0; i < m->n;) {
		size_t j = i;

		while (j < m->n && m->v[j].dev == m->v[i].dev && m->v[j].ino == m->v[i].ino)
			j++;
		if (j - i > NAMES_PER_INODE) {
			struct stat st = { .st_dev = m->v[i].dev, .st_ino = m->v[i].ino };

			add(&id->multicall, &st, m->v[i].name, "multicall binaries");
			for (size_t x = i; x < j; x++)
				free(m->v[x].name);
		} else {
			for (size_t x = i; x < j; x++)
				m->v[k++] = m->v[x];
		}
		i = j;
	}
	m->n = k;
}

static void add_rule_objects(struct identity *id, const struct ruleset *rs);

void identity_init(struct identity *id, const struct ruleset *rs)
{
	memset(id, 0, sizeof *id);
	clock_gettime(CLOCK_REALTIME_COARSE, &id->start);
	find_dirs();
	for (size_t i = 0; i < sizeof multicall_names / sizeof *multicall_names; i++)
		add_program(id, &id->multicall, multicall_names[i]);
	seal(&id->multicall);
	for (size_t i = 0; i < sizeof trampoline_names / sizeof *trampoline_names; i++)
		add_program(id, &id->trampolines, trampoline_names[i]);
	seal(&id->trampolines);
	for (size_t i = 0; i < rs->n_sensitive; i++)
		add_sensitive(id, rs->sensitive[i], 0);
	add_rule_objects(id, rs);
	seal(&id->sensitive);
	seal(&id->programs);
	demote_crowds(id);
	seal(&id->multicall);
	fc_log(FC_TRACE_DEBUG, "by inode: %zu sensitive files, %zu program names, %zu "
	       "multicall binaries, %zu trampolines", id->sensitive.n, id->programs.n,
	       id->multicall.n, id->trampolines.n);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The files and program names the enabled rules give, each name looked
 * up once (the built-in rules list nc in three rules, the shells twice). */
static void add_rule_objects(struct identity *id, const struct ruleset *rs)
{
	const char **names = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->rules[i];

		if (!r->enabled)
			continue;
		for (size_t c = 0; c < r->n_cond; c++) {
			const struct rule_cond *rc = &r->cond[c];

			if (rc->field == F_FILE_PATH && !rc->negate && !rc->nocase &&
			    (r->events & (1U << ACT_OPEN)) &&
			    (rc->op == OP_EQ || rc->op == OP_GLOB))
				for (size_t v = 0; v < rc->n; v++)
					if (rc->s[v][0] == '/')
						add_sensitive(id, rc->s[v], rc->op == OP_EQ);
			if ((rc->field == F_PROCESS_NAME || rc->field == F_ACTOR_NAME) &&
			    rc->op == OP_EQ && !rc->nocase) {
				for (size_t v = 0; v < rc->n; v++) {
					if (n == cap) {
						size_t ncap = cap ? 2 * cap : 128;
						const char **nn = realloc(names, ncap * sizeof *nn);

						if (!nn)
							break;
						names = nn;
						cap = ncap;
					}
					names[n++] = rc->s[v];
				}
			}
		}
	}
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]) != 0)
			add_program(id, &id->programs, names[i]);
	free(names);
}

void identity_free(struct identity *id)
{
	map_free(&id->sensitive);
	map_free(&id->programs);
	map_free(&id->multicall);
	map_free(&id->trampolines);
}

const char *identity_sensitive(const struct identity *id, const struct stat *st)
{
	const struct ino_name *e = find(&id->sensitive, st);

	return e ? e->name : NULL;
}

size_t identity_program_names(const struct identity *id, const struct stat *st,
			      const char *run_as, const char *file,
			      const char **out, size_t max)
{
	const struct ino_name *first = find(&id->programs, st);
	const struct ino_name *end = id->programs.v + id->programs.n, *e;
	size_t n = 0;

	for (e = first; e && e < end && e->dev == st->st_dev && e->ino == st->st_ino; e++)
		if ((run_as && strcmp(e->name, run_as) == 0) ||
		    (file && strcmp(e->name, file) == 0))
			return 0; /* run as itself: the names it has already */
	for (e = first; e && e < end && n < max && e->dev == st->st_dev &&
	     e->ino == st->st_ino; e++)
		out[n++] = e->name;
	return n;
}

int identity_written_since_start(const struct identity *id, const struct stat *st)
{
	if (!st || st->st_ino == 0)
		return 0;
	if (st->st_ctim.tv_sec != id->start.tv_sec)
		return st->st_ctim.tv_sec > id->start.tv_sec;
	return st->st_ctim.tv_nsec >= id->start.tv_nsec;
}

int identity_is_multicall(const struct identity *id, const char *base,
			  const struct stat *st)
{
	return in_list(base, multicall_names, sizeof multicall_names / sizeof *multicall_names) ||
	       find(&id->multicall, st) != NULL;
}

const char *identity_applet(const char *argv0, const char *argv1)
{
	const char *a = path_base_name(argv0);

	if (a && in_list(a, multicall_names, sizeof multicall_names / sizeof *multicall_names))
		a = path_base_name(argv1);
	return a && a[0] ? a : NULL;
}

int identity_is_trampoline(const struct identity *id, const struct stat *st,
			   int multicall, const char *applet)
{
	if (multicall)
		return in_list(applet, trampoline_names,
			       sizeof trampoline_names / sizeof *trampoline_names);
	return find(&id->trampolines, st) != NULL;
}

int identity_is_loader(const char *base)
{
	return base && (fnmatch("ld-linux*.so*", base, 0) == 0 ||
			fnmatch("ld-musl-*.so*", base, 0) == 0 || strcmp(base, "ld.so") == 0);
}

size_t identity_loader_program(const struct tstrv *argv, const char **argv0,
			       const char **preload, const char **audit)
{
	/* glibc's and musl's options that take a value (as "--opt VALUE";
	 * musl also takes "--opt=VALUE"). */
	static const char *const with_value[] = {
		"--library-path", "--inhibit-rpath", "--audit", "--preload", "--argv0",
		"--glibc-hwcaps-prepend", "--glibc-hwcaps-mask",
	};

	*argv0 = *preload = *audit = NULL;
	for (size_t i = 1; i < argv->n; i++) {
		const char *a = argv->buf + argv->off[i], *eq, *val = NULL;
		size_t k, len;

		if (strncmp(a, "--", 2) != 0)
			return i;
		if (a[2] == '\0')
			return i + 1 < argv->n ? i + 1 : 0;
		eq = strchr(a, '=');
		len = eq ? (size_t)(eq - a) : strlen(a);
		for (k = 0; k < sizeof with_value / sizeof *with_value; k++)
			if (strlen(with_value[k]) == len && strncmp(a, with_value[k], len) == 0)
				break;
		if (k < sizeof with_value / sizeof *with_value) {
			if (eq) {
				val = eq + 1;
			} else if (i + 1 < argv->n) {
				val = argv->buf + argv->off[++i];
			}
			if (val && strcmp(with_value[k], "--argv0") == 0)
				*argv0 = val;
			else if (val && strcmp(with_value[k], "--preload") == 0)
				*preload = val;
			else if (val && strcmp(with_value[k], "--audit") == 0)
				*audit = val;
		}
		/* Other "--" words are options without a value (--list,
		 * --verify, --inhibit-cache...); glibc would take an unknown
		 * one as the program and fail to load it. */
	}
	return 0;
}
