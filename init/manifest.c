/* manifest.c: parsing, checking and writing the payload's MANIFEST. */
#include "manifest.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "atomic_write.h"
#include "layout.h"

int manifest_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 255 || name[0] == '.' || strcmp(name, FC_MANIFEST) == 0)
		return 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._-") == n;
}

/* Splits line[0..len) at single spaces into exactly four non-empty fields. */
static int fields(const char *line, size_t len, const char *f[4], size_t fl[4])
{
	size_t k = 0, start = 0;

	for (size_t i = 0; i <= len; i++) {
		if (i < len && line[i] != ' ')
			continue;
		if (k == 4 || i == start)
			return -1;
		f[k] = line + start;
		fl[k++] = i - start;
		start = i + 1;
	}
	return k == 4 ? 0 : -1;
}

static int parse_size(const char *s, size_t n, uint64_t *v)
{
	*v = 0;
	if (n == 0 || n > 15 || (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return 0;
}

static int parse_crc(const char *s, size_t n, uint32_t *v)
{
	*v = 0;
	if (n != 8)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *p = strchr("0123456789abcdef", s[i]);

		if (!p || !s[i])
			return -1;
		*v = *v << 4 | (uint32_t)(p - "0123456789abcdef");
	}
	return 0;
}

/* Everyone must be able to read it (apps run as any user); set-ID bits
 * have no business in a payload. */
static int parse_mode(const char *s, size_t n, mode_t *v)
{
	*v = 0;
	if (n != 4 || s[0] != '0')
		return -1;
	for (size_t i = 1; i < n; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -1;
		*v = *v << 3 | (mode_t)(s[i] - '0');
	}
	return (*v & 0444) == 0444 ? 0 : -1;
}

static int parse_line(const char *line, size_t len, size_t lineno,
		      struct manifest_entry *ent, struct fc_err *e)
{
	const char *f[4];
	size_t fl[4];

	if (fields(line, len, f, fl) < 0)
		return fc_fail(e, FC_ERR_INPUT, "MANIFEST line %zu: expected \"name "
			       "size crc32 mode\" separated by single spaces", lineno);
	if (fl[0] >= sizeof ent->name)
		return fc_fail(e, FC_ERR_INPUT, "MANIFEST line %zu: name too long",
			       lineno);
	memcpy(ent->name, f[0], fl[0]);
	ent->name[fl[0]] = '\0';
	if (!manifest_name_ok(ent->name))
		return fc_fail(e, FC_ERR_INPUT, "MANIFEST line %zu: \"%s\" is not a "
			       "payload file name", lineno, ent->name);
	if (parse_size(f[1], fl[1], &ent->size) < 0)
		return fc_fail(e, FC_ERR_INPUT, "MANIFEST line %zu: bad size", lineno);
	if (parse_crc(f[2], fl[2], &ent->crc) < 0)
		return fc_fail(e, FC_ERR_INPUT, "MANIFEST line %zu: bad crc32 (8 "
			       "lowercase hex digits)", lineno);
	if (parse_mode(f[3], fl[3], &ent->mode) < 0)
		return fc_fail(e, FC_ERR_INPUT, "MANIFEST line %zu: bad mode (4 octal "
			       "digits, readable by all, no set-ID bits)", lineno);
	return 0;
}

int manifest_parse(const char *text, size_t len, struct manifest *m,
		   struct fc_err *e)
{
	size_t hl = strlen(MANIFEST_HEADER), pos = hl, lineno = 2;

	*m = (struct manifest){ 0 };
	if (len > MANIFEST_MAX_BYTES)
		return fc_fail(e, FC_ERR_INPUT, "MANIFEST is larger than %d bytes",
			       MANIFEST_MAX_BYTES);
	if (len < hl || memcmp(text, MANIFEST_HEADER, hl) != 0)
		return fc_fail(e, FC_ERR_INPUT, "MANIFEST line 1: not \"%.*s\"",
			       (int)hl - 1, MANIFEST_HEADER);
	m->ent = calloc(MANIFEST_MAX_FILES, sizeof *m->ent);
	m->text = malloc(len + 1);
	if (!m->ent || !m->text) {
		manifest_free(m);
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	}
	for (; pos < len; lineno++) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t ll;

		if (!nl) {
			fc_fail(e, FC_ERR_INPUT, "MANIFEST line %zu: no newline at its end",
				lineno);
			goto bad;
		}
		ll = (size_t)(nl - (text + pos));
		if (ll > 0 && text[pos] == '#') {
			pos += ll + 1;
			continue;
		}
		if (m->n == MANIFEST_MAX_FILES) {
			fc_fail(e, FC_ERR_INPUT, "MANIFEST lists more than %d files",
				MANIFEST_MAX_FILES);
			goto bad;
		}
		if (parse_line(text + pos, ll, lineno, &m->ent[m->n], e) < 0)
			goto bad;
		for (size_t i = 0; i < m->n; i++) {
			if (strcmp(m->ent[i].name, m->ent[m->n].name) == 0) {
				fc_fail(e, FC_ERR_INPUT, "MANIFEST line %zu: \"%s\" is "
					"listed twice", lineno, m->ent[i].name);
				goto bad;
			}
		}
		m->n++;
		pos += ll + 1;
	}
	if (m->n == 0) {
		fc_fail(e, FC_ERR_INPUT, "MANIFEST lists no files");
		goto bad;
	}
	memcpy(m->text, text, len);
	m->text[len] = '\0';
	m->len = len;
	return 0;
bad:
	manifest_free(m);
	return -1;
}

void manifest_free(struct manifest *m)
{
	free(m->ent);
	free(m->text);
	*m = (struct manifest){ 0 };
}

int manifest_sum_fd(int fd, uint64_t *size, uint32_t *crc, struct fc_err *e)
{
	static unsigned char buf[64 * 1024];
	uLong c = crc32(0L, Z_NULL, 0);

	*size = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fc_fail(e, FC_ERR_SYSTEM, "%s", strerror(errno));
		if (n == 0)
			break;
		c = crc32(c, buf, (uInt)n);
		*size += (uint64_t)n;
	}
	*crc = (uint32_t)c;
	return 0;
}

/* One listed file under dirfd, against its entry. */
static int verify_file(int dirfd, const struct manifest_entry *ent,
		       struct fc_err *e)
{
	struct fc_err se = { 0 };
	struct stat st;
	uint64_t size;
	uint32_t crc;
	int fd = openat(dirfd, ent->name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	int rc = -1;

	if (fd < 0)
		return fc_fail(e, FC_ERR_INPUT, "%s: %s", ent->name, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		fc_fail(e, FC_ERR_INPUT, "%s: not a regular file", ent->name);
	else if ((st.st_mode & 07777) != ent->mode)
		fc_fail(e, FC_ERR_INPUT, "%s: mode %04o, MANIFEST says %04o",
			ent->name, (unsigned)(st.st_mode & 07777), (unsigned)ent->mode);
	else if ((uint64_t)st.st_size != ent->size)
		fc_fail(e, FC_ERR_INPUT, "%s: %lld bytes, MANIFEST says %llu",
			ent->name, (long long)st.st_size, (unsigned long long)ent->size);
	else if (manifest_sum_fd(fd, &size, &crc, &se) < 0)
		fc_fail(e, FC_ERR_INPUT, "%s: cannot read: %s", ent->name, se.msg);
	else if (size != ent->size || crc != ent->crc)
		fc_fail(e, FC_ERR_INPUT, "%s: crc32 %08x, MANIFEST says %08x",
			ent->name, crc, ent->crc);
	else
		rc = 0;
	close(fd);
	return rc;
}

static int count_entries(int dirfd, size_t *n)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*n = 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			++*n;
	closedir(d);
	return 0;
}

int manifest_verify_dir(int dirfd, const struct manifest *m, struct fc_err *e)
{
	char *text = NULL;
	size_t n;
	int fd;
	ssize_t got;

	if (count_entries(dirfd, &n) < 0)
		return fc_fail(e, FC_ERR_INPUT, "cannot list it: %s", strerror(errno));
	if (n != m->n + 1)
		return fc_fail(e, FC_ERR_INPUT, "it holds %zu entries, MANIFEST "
			       "lists %zu files besides itself", n, m->n);
	for (size_t i = 0; i < m->n; i++)
		if (verify_file(dirfd, &m->ent[i], e) < 0)
			return -1;
	fd = openat(dirfd, FC_MANIFEST, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fc_fail(e, FC_ERR_INPUT, FC_MANIFEST ": %s", strerror(errno));
	text = malloc(m->len + 1);
	got = text ? read(fd, text, m->len + 1) : -1;
	close(fd);
	if (got != (ssize_t)m->len || memcmp(text, m->text, m->len) != 0) {
		free(text);
		return fc_fail(e, FC_ERR_INPUT, FC_MANIFEST " differs from the image's");
	}
	free(text);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > *cap) {
		size_t c = (*cap + n + 1) * 2;
		char *p = realloc(*buf, c);

		if (!p)
			return -1;
		*buf = p;
		*cap = c;
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
	return 0;
}

/* The MANIFEST line for the file name in dirfd. */
static int line_for(int dirfd, const char *name, char *line, size_t len,
		    struct fc_err *e)
{
	struct fc_err se = { 0 };
	struct stat st;
	uint64_t size = 0;
	uint32_t crc = 0;
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return fc_fail(e, FC_ERR_SYSTEM, "%s: %s", name, strerror(errno));
	if (fstat(fd, &st) < 0 || manifest_sum_fd(fd, &size, &crc, &se) < 0) {
		close(fd);
		return fc_fail(e, FC_ERR_SYSTEM, "%s: cannot read it", name);
	}
	close(fd);
	snprintf(line, len, "%s %llu %08x %04o\n", name, (unsigned long long)size,
		 crc, st.st_mode & 0111 ? 0755U : 0644U);
	return 0;
}

int manifest_write_for(const char *dir, struct fc_err *e)
{
	char **names = NULL, *text = NULL, *path = NULL, line[512];
	size_t n = 0, len = 0, cap = 0;
	int rc = -1, dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = dirfd < 0 ? NULL : fdopendir(dup(dirfd));
	struct dirent *de;

	if (!d) {
		fc_fail(e, FC_ERR_SYSTEM, "cannot open %s: %s", dir, strerror(errno));
		goto out;
	}
	names = calloc(MANIFEST_MAX_FILES, sizeof *names);
	if (!names || append(&text, &len, &cap, MANIFEST_HEADER) < 0) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto out;
	}
	while ((de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.' || strcmp(de->d_name, FC_MANIFEST) == 0)
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode) || !manifest_name_ok(de->d_name)) {
			fc_fail(e, FC_ERR_INPUT, "%s/%s: the payload may hold only "
				"regular files with plain names", dir, de->d_name);
			goto out;
		}
		if (n == MANIFEST_MAX_FILES || !(names[n++] = strdup(de->d_name))) {
			fc_fail(e, FC_ERR_SYSTEM, "too many files or out of memory");
			goto out;
		}
	}
	if (n == 0) {
		fc_fail(e, FC_ERR_INPUT, "%s holds no payload files", dir);
		goto out;
	}
	qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n; i++) {
		if (line_for(dirfd, names[i], line, sizeof line, e) < 0)
			goto out;
		if (append(&text, &len, &cap, line) < 0) {
			fc_fail(e, FC_ERR_SYSTEM, "out of memory");
			goto out;
		}
	}
	path = malloc(strlen(dir) + sizeof "/" FC_MANIFEST);
	if (!path) {
		fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		goto out;
	}
	sprintf(path, "%s/" FC_MANIFEST, dir);
	rc = atomic_write(path, text, len, 0644, e);
out:
	if (d)
		closedir(d);
	if (dirfd >= 0)
		close(dirfd);
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	free(text);
	free(path);
	return rc;
}
