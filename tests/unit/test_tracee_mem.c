/* test_tracee_mem.c: reading strings and string arrays out of a hostile
 * address space, first a fake one laid out page by page (unmapped holes,
 * page boundaries, the caps), then a live process through
 * process_vm_readv, which must cut reads at an unmapped page. */
#include "unit.h"

#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracee_mem.h"

/* A fake address space: pages at BASE + i * 4 KiB, each mapped or not. */
#define BASE 0x10000000ULL
#define NPAGES 64

struct fake {
	unsigned char mem[NPAGES][TMEM_PAGE];
	unsigned char mapped[NPAGES];
	unsigned long reads;
};

static ssize_t fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct fake *f = ctx;
	size_t done = 0;

	f->reads++;
	while (done < len) {
		uint64_t a = addr + done;
		size_t i;

		if (a < BASE || a >= BASE + (uint64_t)NPAGES * TMEM_PAGE)
			break;
		i = (size_t)((a - BASE) / TMEM_PAGE);
		if (!f->mapped[i])
			break;
		memcpy((unsigned char *)buf + done, f->mem[i], TMEM_PAGE);
		done += TMEM_PAGE;
	}
	return (ssize_t)done;
}

static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof *f);

	if (!f)
		abort();
	memset(f->mapped, 1, sizeof f->mapped);
	return f;
}

static void poke(struct fake *f, uint64_t addr, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t a = addr + i - BASE;

		f->mem[a / TMEM_PAGE][a % TMEM_PAGE] = ((const unsigned char *)p)[i];
	}
}

static void poke_ptr(struct fake *f, uint64_t addr, uint64_t v, unsigned size)
{
	if (size == 8) {
		poke(f, addr, &v, 8);
	} else {
		uint32_t v32 = (uint32_t)v;

		poke(f, addr, &v32, 4);
	}
}

static struct tmem *reader(struct fake *f)
{
	static struct tmem m;

	tmem_init(&m, (struct tmem_src){ fake_read, f });
	return &m;
}

#define P(n) (BASE + (uint64_t)(n) * TMEM_PAGE)

/* tmem_string's cap is the caller's: a path's, or an argv entry's. */
#define SCAP 1024

static void test_strings(void)
{
	struct fake *f = fake_new();
	char buf[SCAP + 1];
	size_t len;
	unsigned fl;

	poke(f, P(1) + 10, "hello", 6);
	fl = tmem_string(reader(f), P(1) + 10, buf, SCAP, &len);
	CHECK(fl == 0 && len == 5 && strcmp(buf, "hello") == 0, "a string in one page");

	/* 100 'A' before a page boundary, 100 'B' after it. */
	memset(f->mem[2] + TMEM_PAGE - 100, 'A', 100);
	memset(f->mem[3], 'B', 100);
	f->mem[3][100] = 0;
	fl = tmem_string(reader(f), P(3) - 100, buf, SCAP, &len);
	CHECK(fl == 0 && len == 200 && buf[99] == 'A' && buf[100] == 'B' && buf[199] == 'B' &&
	      buf[200] == 0, "a string across a page boundary is read whole");

	/* The same run into an unmapped page. */
	memset(f->mem[5] + TMEM_PAGE - 50, 'U', 50);
	f->mapped[6] = 0;
	fl = tmem_string(reader(f), P(6) - 50, buf, SCAP, &len);
	CHECK(fl == TSTR_FAULT && len == 50 && buf[50] == 0,
	      "a string running into an unmapped page: what was readable, flagged");

	CHECK(tmem_string(reader(f), 0, buf, SCAP, &len) == TSTR_NULL && len == 0,
	      "a NULL pointer is flagged, not read");
	CHECK(tmem_string(reader(f), P(6) + 8, buf, SCAP, &len) == TSTR_FAULT &&
	      len == 0, "a pointer into an unmapped page");
	CHECK(tmem_string(reader(f), 8, buf, SCAP, &len) == TSTR_FAULT,
	      "a pointer below every mapping");
	CHECK(tmem_string(reader(f), UINT64_MAX - 3, buf, SCAP, &len) ==
	      TSTR_FAULT, "a pointer at the top of the address space does not wrap");

	/* Caps: longer than the cap, and exactly the cap. */
	memset(f->mem[8], 'L', 3 * TMEM_PAGE);
	fl = tmem_string(reader(f), P(8), buf, SCAP, &len);
	CHECK(fl == TSTR_TRUNC && len == SCAP && buf[SCAP] == 0,
	      "a string longer than the cap is cut at the cap and flagged");
	f->mem[8][SCAP] = 0;
	fl = tmem_string(reader(f), P(8), buf, SCAP, &len);
	CHECK(fl == 0 && len == SCAP, "a string exactly as long as the cap is whole");
	free(f);
}

static void test_arrays(void)
{
	static const unsigned sizes[] = { 8, 4 };
	struct fake *f;
	struct tstrv v = { 0 };

	for (size_t s = 0; s < 2; s++) {
		unsigned ps = sizes[s];

		f = fake_new();
		poke(f, P(10), "ls\0-l\0/tmp", 11);
		poke_ptr(f, P(1), P(10), ps);
		poke_ptr(f, P(1) + ps, P(10) + 3, ps);
		poke_ptr(f, P(1) + 2 * ps, P(10) + 6, ps);
		poke_ptr(f, P(1) + 3 * ps, 0, ps);
		f->reads = 0;
		CHECK(tmem_strv(reader(f), P(1), ps, &v) == 0 && v.n == 3 && v.count == 3 &&
		      v.flags == 0 && strcmp(v.buf + v.off[0], "ls") == 0 &&
		      strcmp(v.buf + v.off[1], "-l") == 0 && strcmp(v.buf + v.off[2], "/tmp") == 0 &&
		      v.len[2] == 4, "argv of 3 with %u-byte pointers", ps);
		CHECK(f->reads == 2, "... read in 2 pages (the cache): %lu", f->reads);

		/* The array runs into a hole without its NULL. */
		f->mapped[20] = 0;
		poke_ptr(f, P(20) - 2 * ps, P(10), ps);
		poke_ptr(f, P(20) - ps, P(10) + 3, ps);
		CHECK(tmem_strv(reader(f), P(20) - 2 * ps, ps, &v) == 0 && v.n == 2 &&
		      v.count == 2 && (v.flags & TSTRV_FAULT),
		      "an unterminated array at a hole: its entries, flagged (%u)", ps);

		/* An entry pointing nowhere. */
		poke_ptr(f, P(2), P(10), ps);
		poke_ptr(f, P(2) + ps, 0x10, ps);
		poke_ptr(f, P(2) + 2 * ps, 0, ps);
		CHECK(tmem_strv(reader(f), P(2), ps, &v) == 0 && v.n == 2 &&
		      (v.flags & TSTRV_BAD_ENTRY) && v.eflags[1] == TSTR_FAULT && v.len[1] == 0,
		      "an entry with a wild pointer is flagged, the others kept (%u)", ps);
		free(f);
	}
	f = fake_new();
	CHECK(tmem_strv(reader(f), 0, 8, &v) == 0 && v.n == 0 && v.count == 0 &&
	      v.flags == TSTRV_NULL, "a NULL array (execve(path, NULL, ...))");
	f->mapped[30] = 0;
	CHECK(tmem_strv(reader(f), P(30), 8, &v) == 0 && v.n == 0 && (v.flags & TSTRV_FAULT),
	      "an array pointer into an unmapped page");
	tstrv_free(&v);
	free(f);
}

/* Pages made on demand: a huge array of pointers to one string. */
struct synth {
	uint64_t string_at;
	uint64_t array_at;
	uint64_t entries;        /* then a NULL */
};

static ssize_t synth_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct synth *s = ctx;

	for (size_t off = 0; off < len; off += 8) {
		uint64_t a = addr + off, word;

		if (a >= s->string_at && a < s->string_at + TMEM_PAGE)
			word = 0x0000006767676767ULL; /* "ggggg" */
		else if (a >= s->array_at && (a - s->array_at) / 8 < s->entries)
			word = s->string_at;
		else
			word = 0;
		memcpy((unsigned char *)buf + off, &word, 8);
	}
	return (ssize_t)len;
}

static void test_caps(void)
{
	struct synth s = { 0x1000, 0x100000, 100000 };
	struct tmem *m = malloc(sizeof *m);
	struct tstrv v = { 0 };

	if (!m)
		abort();
	tmem_init(m, (struct tmem_src){ synth_read, &s });
	CHECK(tmem_strv(m, s.array_at, 8, &v) == 0 && v.count == 100000 &&
	      v.n == ARGV_MAX_ENTRIES && (v.flags & TSTRV_ENTRIES_CUT) &&
	      !(v.flags & TSTRV_COUNT_CUT) && v.used <= ARGV_MAX_TOTAL,
	      "100 000 entries: all counted, %d kept", ARGV_MAX_ENTRIES);

	s.entries = 3U << 20;
	tmem_init(m, (struct tmem_src){ synth_read, &s });
	CHECK(tmem_strv(m, s.array_at, 8, &v) == 0 && v.count == ARGV_COUNT_MAX &&
	      (v.flags & TSTRV_COUNT_CUT), "3 M entries: counting stops at the cap");

	/* 300 entries of 4000 bytes: the total cap. */
	{
		struct fake *f = fake_new();

		memset(f->mem[40], 'z', 4000);
		for (int i = 0; i < 300; i++)
			poke_ptr(f, P(0) + (uint64_t)i * 8, P(40), 8);
		poke_ptr(f, P(0) + 300 * 8, 0, 8);
		int rc = tmem_strv(reader(f), P(0), 8, &v);

		CHECK(rc == 0 && v.count == 300 && v.used <= ARGV_MAX_TOTAL && v.n < 300 &&
		      (v.flags & TSTRV_BYTES_CUT),
		      "300 entries of 4000 bytes stop at %d bytes (%zu entries kept)",
		      ARGV_MAX_TOTAL, v.n);
		free(f);
	}
	/* What legitimate programs pass is kept whole, unflagged: a script
	 * of 12 KiB (sh -c), and 300 arguments of 200 bytes (a compiler). */
	{
		struct fake *f = fake_new();
		int rc;

		tstrv_free(&v);
		memset(f->mem[40], 's', 3 * TMEM_PAGE);
		poke_ptr(f, P(0), P(40), 8);
		poke_ptr(f, P(0) + 8, 0, 8);
		rc = tmem_strv(reader(f), P(0), 8, &v);
		CHECK(rc == 0 && v.n == 1 && v.len[0] == 3 * TMEM_PAGE && v.flags == 0 &&
		      v.buf[3 * TMEM_PAGE] == '\0', "an entry of 12 KiB is kept whole");
		memset(f->mem[40], 'z', 200);
		f->mem[40][200] = 0;
		for (int i = 0; i < 300; i++)
			poke_ptr(f, P(0) + (uint64_t)i * 8, P(40), 8);
		poke_ptr(f, P(0) + 300 * 8, 0, 8);
		tstrv_free(&v);
		rc = tmem_strv(reader(f), P(0), 8, &v);
		CHECK(rc == 0 && v.count == 300 && v.n == 300 && v.flags == 0 &&
		      v.cap < 128 * 1024, "300 entries of 200 bytes are kept whole, in %zu "
		      "bytes of buffer", v.cap);
		free(f);
	}
	tstrv_free(&v);
	free(m);
}

/* process_vm_readv against a live child with an unreadable page in its memory. */
static void test_live(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	unsigned char *p = mmap(NULL, (size_t)pg * 3, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *buf = malloc(3 * TMEM_PAGE);
	pid_t child;
	ssize_t got;

	if (p == MAP_FAILED || !buf || pg != TMEM_PAGE)
		abort();
	memset(p, 'x', (size_t)pg * 3);
	/* A PROT_NONE page rather than a hole: a hole may be filled by another
	 * mapping before the fork (ASan's allocator did so under CI), while the
	 * kernel refuses both the same way (EFAULT cuts the read there). */
	mprotect(p + pg, (size_t)pg, PROT_NONE);
	child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	got = tmem_read_process(&child, (uint64_t)(uintptr_t)p, buf, 3 * TMEM_PAGE);
	CHECK(got == TMEM_PAGE && buf[0] == 'x' && buf[TMEM_PAGE - 1] == 'x',
	      "process_vm_readv stops at the unreadable page (%zd bytes)", got);
	got = tmem_read_process(&child, (uint64_t)(uintptr_t)(p + pg), buf, TMEM_PAGE);
	CHECK(got == 0, "reading only the unreadable page gives 0 bytes");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	got = tmem_read_process(&child, (uint64_t)(uintptr_t)p, buf, TMEM_PAGE);
	CHECK(got < 0, "a process that is gone reads as -1");
	munmap(p, (size_t)pg * 3);
	free(buf);
}

int main(void)
{
	test_strings();
	test_arrays();
	test_caps();
	test_live();
	return unit_done();
}
