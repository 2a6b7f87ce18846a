/* json_out.c: a small JSON writer with UTF-8 repair. */
#include "json_out.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"

/* Each thread builds its lines in a buffer it keeps from one line to
 * the next (the tracer and the sink's writer both make events): a line
 * then costs one allocation of its own size, where a fresh buffer cost
 * a malloc and a realloc or two per line, on the tracer's hot path. A
 * line built while another is (none is, today) has its own buffer; one
 * that grew the buffer past SCRATCH_KEEP gives the memory back. */
#define SCRATCH_KEEP (64U << 10)
static __thread struct strbuf scratch;
static __thread int scratch_taken;

void jout_init(struct jout *j, size_t max)
{
	memset(j, 0, sizeof *j);
	j->out.max = max;
	if (!scratch_taken) {
		scratch_taken = 1;
		j->scratch = 1;
		j->out.s = scratch.s;
		j->out.cap = scratch.cap;
	}
}

/* Hands the thread's buffer back, with what it grew to; j is empty. */
static void release(struct jout *j)
{
	if (j->out.cap > SCRATCH_KEEP) {
		free(j->out.s);
		j->out.s = NULL;
		j->out.cap = 0;
	}
	scratch.s = j->out.s;
	scratch.cap = j->out.cap;
	scratch_taken = 0;
	j->scratch = 0;
	j->out.s = NULL;
	j->out.len = j->out.cap = 0;
	j->out.failed = 0;
}

void jout_free(struct jout *j)
{
	if (j->scratch)
		release(j);
	else
		strbuf_free(&j->out);
}

/* An event line is some forty keys and values, each a few short puts:
 * what strbuf_put checks and grows for every one of them was a quarter
 * of the time an event took to build. When the bytes fit in the buffer
 * already they are copied here, as strbuf_put would copy them. */
static void put(struct jout *j, const void *p, size_t n)
{
	struct strbuf *b = &j->out;

	/* Room is kept for the '\n' that ends the line. */
	if (b->len + n + 2 > b->max)
		b->failed = 1;
	if (!b->failed && n < b->cap - b->len) {
		memcpy(b->s + b->len, p, n);
		b->len += n;
		b->s[b->len] = '\0';
		return;
	}
	strbuf_put(b, p, n);
}

/* Where n more bytes go when they fit the buffer as it is, or NULL when
 * put() must take them (to grow the buffer, or to fail). The caller
 * writes them and adds n to out.len with done(). */
static char *room(struct jout *j, size_t n)
{
	struct strbuf *b = &j->out;

	if (b->failed || b->len + n + 2 > b->max || n >= b->cap - b->len)
		return NULL;
	return b->s + b->len;
}

static void done(struct jout *j, size_t n)
{
	j->out.len += n;
	j->out.s[j->out.len] = '\0';
}

static void putc1(struct jout *j, char c)
{
	struct strbuf *b = &j->out;

	if (b->len + 3 <= b->max && !b->failed && b->len + 1 < b->cap) {
		b->s[b->len++] = c;
		b->s[b->len] = '\0';
		return;
	}
	put(j, &c, 1);
}

/* The separator a new value or key needs at the current level. */
static void before_value(struct jout *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (j->has_items[j->depth - 1])
			putc1(j, ',');
		j->has_items[j->depth - 1] = 1;
		j->items[j->depth - 1]++;
	}
}

static void open_level(struct jout *j, char c)
{
	before_value(j);
	if (j->depth >= JOUT_MAX_DEPTH) {
		j->out.failed = 1;
		return;
	}
	j->has_items[j->depth] = 0;
	j->is_array[j->depth] = c == '[';
	j->items[j->depth++] = 0;
	putc1(j, c);
}

static void close_level(struct jout *j, char c)
{
	if (j->depth == 0 || j->after_key) {
		j->out.failed = 1;
		return;
	}
	j->depth--;
	putc1(j, c);
}

void jout_obj_begin(struct jout *j) { open_level(j, '{'); }
void jout_obj_end(struct jout *j) { close_level(j, '}'); }
void jout_arr_begin(struct jout *j) { open_level(j, '['); }
void jout_arr_end(struct jout *j) { close_level(j, ']'); }

void jout_set_caps(struct jout *j, size_t str_cap, size_t items_cap)
{
	j->str_cap = str_cap;
	j->items_cap = items_cap;
}

static void put_string(struct jout *j, const void *bytes, size_t n);

void jout_bytes(struct jout *j, const void *bytes, size_t n)
{
	const unsigned char *s = bytes;

	if (j->items_cap && !j->after_key && j->depth > 0 &&
	    j->is_array[j->depth - 1] && j->items[j->depth - 1] >= j->items_cap) {
		j->cut++;
		return;
	}
	if (j->str_cap && n > j->str_cap) {
		size_t keep = j->str_cap;

		/* Not in the middle of a UTF-8 sequence. */
		while (keep > 0 && keep + 3 > j->str_cap && (s[keep] & 0xc0) == 0x80)
			keep--;
		n = keep;
		j->cut++;
	}
	put_string(j, s, n);
}

/* The bytes a string copies as they are: printable ASCII but '"' and
 * '\\'. */
static const unsigned char plain[256] = {
	[0x20] = 1, [0x21] = 1, [0x23 ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
};

#define ONES 0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Whether a byte of w is zero (exactly; bit hacks, "haszero"). */
static uint64_t has_zero(uint64_t w)
{
	return (w - ONES) & ~w & HIGHS;
}

/* Whether a byte of w is not plain: 0x80 and above, below 0x20, 0x7f,
 * '"' or '\\'. Never wrong when it says no. */
static int word_special(uint64_t w)
{
	return ((w & HIGHS) | ((w - ONES * 0x20) & ~w & HIGHS) | has_zero(w ^ (ONES * 0x7f)) |
		has_zero(w ^ (ONES * '"')) | has_zero(w ^ (ONES * '\\'))) != 0;
}

/* The length of the plain bytes s starts with: eight at a time while a
 * whole word is, then byte by byte. */
static size_t plain_span(const unsigned char *s, size_t n)
{
	size_t k = 0;

	while (n - k >= 8) {
		uint64_t w;

		memcpy(&w, s + k, sizeof w);
		if (word_special(w))
			break;
		k += 8;
	}
	while (k < n && plain[s[k]])
		k++;
	return k;
}

/* "s" then tail (ntail bytes, ASCII), for a string that is all plain
 * (most are: keys, paths, names): one copy. Returns 0 when put_string
 * must do it. */
static int put_plain(struct jout *j, const unsigned char *s, size_t n, const char *tail,
		     size_t ntail)
{
	char *p;

	if (plain_span(s, n) != n || !(p = room(j, n + 2 + ntail)))
		return 0;
	p[0] = '"';
	memcpy(p + 1, s, n);
	p[n + 1] = '"';
	memcpy(p + n + 2, tail, ntail);
	done(j, n + 2 + ntail);
	return 1;
}

static void put_string(struct jout *j, const void *bytes, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = bytes;
	size_t run = 0, i = 0;

	before_value(j);
	if (put_plain(j, s, n, "", 0))
		return;
	putc1(j, '"');
	/* Copies runs of plain bytes at once; stops at what needs care. */
	while (i < n) {
		unsigned char c = s[i];
		size_t seq;

		if (plain[c]) {
			size_t k = plain_span(s + i, n - i);

			run += k;
			i += k;
			continue;
		}
		if (c >= 0x80 && (seq = utf8_seq_len(s + i, n - i)) > 0) {
			run += seq;
			i += seq;
			continue;
		}
		put(j, s + i - run, run);
		run = 0;
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };

			put(j, esc, 2);
		} else if (c == '\n') {
			put(j, "\\n", 2);
		} else if (c == '\t') {
			put(j, "\\t", 2);
		} else if (c == '\r') {
			put(j, "\\r", 2);
		} else if (c < 0x20 || c == 0x7f) {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			put(j, esc, 6);
		} else {
			put(j, "\xef\xbf\xbd", 3); /* U+FFFD for a bad byte */
		}
		i++;
	}
	put(j, s + i - run, run);
	putc1(j, '"');
}

void jout_str(struct jout *j, const char *s)
{
	if (!s)
		jout_null(j);
	else
		jout_bytes(j, s, strlen(s));
}

void jout_key(struct jout *j, const char *key)
{
	if (j->depth == 0 || j->after_key) {
		j->out.failed = 1;
		return;
	}
	before_value(j);
	if (!put_plain(j, (const unsigned char *)key, strlen(key), ":", 1)) {
		/* put_string does the separator itself: not twice. */
		j->after_key = 1;
		put_string(j, key, strlen(key));
		putc1(j, ':');
	}
	j->after_key = 1;
}

void jout_int(struct jout *j, long long v)
{
	/* What "%lld" writes, without printf's machinery (a dozen numbers
	 * per event). */
	char num[24], *p = num + sizeof num;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	before_value(j);
	put(j, p, (size_t)(num + sizeof num - p));
}

void jout_bool(struct jout *j, int v)
{
	before_value(j);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void jout_null(struct jout *j)
{
	before_value(j);
	put(j, "null", 4);
}

void jout_kstr(struct jout *j, const char *key, const char *s)
{
	jout_key(j, key);
	jout_str(j, s);
}

void jout_kint(struct jout *j, const char *key, long long v)
{
	jout_key(j, key);
	jout_int(j, v);
}

void jout_kbool(struct jout *j, const char *key, int v)
{
	jout_key(j, key);
	jout_bool(j, v);
}

void jout_kobj(struct jout *j, const char *key)
{
	jout_key(j, key);
	jout_obj_begin(j);
}

void jout_karr(struct jout *j, const char *key)
{
	jout_key(j, key);
	jout_arr_begin(j);
}

char *jout_take_line(struct jout *j, size_t *len)
{
	char *line;

	if (j->out.failed || j->depth != 0 || j->after_key || j->out.len == 0) {
		jout_free(j);
		return NULL;
	}
	if (!j->scratch) {
		strbuf_put(&j->out, "\n", 1);
		return strbuf_take(&j->out, len);
	}
	line = malloc(j->out.len + 2);
	if (line) {
		memcpy(line, j->out.s, j->out.len);
		line[j->out.len] = '\n';
		line[j->out.len + 1] = '\0';
	}
	if (len)
		*len = line ? j->out.len + 1 : 0;
	release(j);
	return line;
}
