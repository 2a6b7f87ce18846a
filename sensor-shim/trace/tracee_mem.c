/* tracee_mem.c: page-by-page reading of tracee memory, within caps. */
#include "tracee_mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

void tmem_init(struct tmem *m, struct tmem_src src)
{
	/* The pages themselves are not cleared: state says what is valid,
	 * and clearing 32 KiB per decode would cost more than the decode. */
	m->src = src;
	memset(m->state, 0, sizeof m->state);
	memset(m->base, 0, sizeof m->base);
	m->next = 0;
	m->budget = TMEM_BUDGET;
}

/* The cached page at base (4 KiB-aligned), or NULL when unreadable. The
 * pointer is valid until the next call. */
static const unsigned char *page_at(struct tmem *m, uint64_t base)
{
	unsigned v;
	ssize_t got;

	for (unsigned i = 0; i < TMEM_CACHE_PAGES; i++)
		if (m->state[i] != 0 && m->base[i] == base)
			return m->state[i] > 0 ? m->page[i] : NULL;
	v = m->next++ % TMEM_CACHE_PAGES;
	m->base[v] = base;
	m->state[v] = -1;
	if (m->budget < TMEM_PAGE)
		return NULL;
	m->budget -= TMEM_PAGE;
	got = m->src.read(m->src.ctx, base, m->page[v], TMEM_PAGE);
	if (got != (ssize_t)TMEM_PAGE)
		return NULL;
	m->state[v] = 1;
	return m->page[v];
}

size_t tmem_read(struct tmem *m, uint64_t addr, void *buf, size_t len)
{
	unsigned char *out = buf;
	size_t done = 0;

	while (done < len) {
		uint64_t at = addr + done;
		uint64_t base = at & ~(uint64_t)(TMEM_PAGE - 1);
		size_t off = (size_t)(at - base), n = TMEM_PAGE - off;
		const unsigned char *page;

		if (at < addr)
			break; /* wrapped around the address space */
		page = page_at(m, base);
		if (!page)
			break;
		if (n > len - done)
			n = len - done;
		memcpy(out + done, page + off, n);
		done += n;
	}
	return done;
}

unsigned tmem_string(struct tmem *m, uint64_t addr, char *buf, size_t cap,
		     size_t *len)
{
	size_t got = 0;

	*len = 0;
	buf[0] = '\0';
	if (addr == 0)
		return TSTR_NULL;
	for (;;) {
		uint64_t at = addr + got;
		uint64_t base = at & ~(uint64_t)(TMEM_PAGE - 1);
		size_t off = (size_t)(at - base), n = TMEM_PAGE - off;
		const unsigned char *page, *nul;

		if (at < addr)
			return TSTR_FAULT;
		page = page_at(m, base);
		if (!page)
			return TSTR_FAULT;
		nul = memchr(page + off, 0, n);
		if (nul)
			n = (size_t)(nul - (page + off));
		if (n > cap - got) {
			memcpy(buf + got, page + off, cap - got);
			*len = cap;
			buf[cap] = '\0';
			return TSTR_TRUNC;
		}
		memcpy(buf + got, page + off, n);
		got += n;
		*len = got;
		buf[got] = '\0';
		if (nul)
			return 0;
	}
}

/* tmem_string into v's buffer at v->used, growing it as the string is
 * read (a cap of 128 KiB is not reserved up front for every entry). */
static int strv_entry(struct tmem *m, uint64_t addr, size_t cap, struct tstrv *v,
		      size_t *len, unsigned *ef)
{
	size_t got = 0;

	*len = 0;
	*ef = 0;
	if (tstrv_reserve(v, 1) < 0)
		return -1;
	v->buf[v->used] = '\0';
	if (addr == 0) {
		*ef = TSTR_NULL;
		return 0;
	}
	for (;;) {
		uint64_t at = addr + got;
		uint64_t base = at & ~(uint64_t)(TMEM_PAGE - 1);
		size_t off = (size_t)(at - base), n = TMEM_PAGE - off;
		const unsigned char *page, *nul;
		int cut = 0;

		if (at < addr) {
			*ef = TSTR_FAULT;
			return 0;
		}
		page = page_at(m, base);
		if (!page) {
			*ef = TSTR_FAULT;
			return 0;
		}
		nul = memchr(page + off, 0, n);
		if (nul)
			n = (size_t)(nul - (page + off));
		if (n > cap - got) {
			n = cap - got;
			cut = 1;
		}
		if (tstrv_reserve(v, got + n + 1) < 0)
			return -1;
		memcpy(v->buf + v->used + got, page + off, n);
		got += n;
		*len = got;
		v->buf[v->used + got] = '\0';
		if (cut) {
			*ef = TSTR_TRUNC;
			return 0;
		}
		if (nul)
			return 0;
	}
}

int tmem_strv(struct tmem *m, uint64_t addr, unsigned ptr_size, struct tstrv *v)
{
	v->n = 0;
	v->used = 0;
	v->count = 0;
	v->flags = 0;
	if (addr == 0) {
		v->flags |= TSTRV_NULL;
		return 0;
	}
	for (uint64_t i = 0;; i++) {
		unsigned char raw[8];
		uint64_t at = addr + i * ptr_size, p;
		size_t room, cap, len;
		unsigned ef;

		if (i >= ARGV_COUNT_MAX) {
			v->flags |= TSTRV_COUNT_CUT;
			break;
		}
		if (at < addr || tmem_read(m, at, raw, ptr_size) != ptr_size) {
			v->flags |= TSTRV_FAULT;
			break;
		}
		if (ptr_size == 8) {
			uint64_t p64;

			memcpy(&p64, raw, 8);
			p = p64;
		} else {
			uint32_t p32;

			memcpy(&p32, raw, 4);
			p = p32;
		}
		if (p == 0)
			break;
		v->count++;
		if (v->n >= ARGV_MAX_ENTRIES) {
			v->flags |= TSTRV_ENTRIES_CUT;
			continue;
		}
		room = ARGV_MAX_TOTAL - v->used;
		if (room < 2) {
			v->flags |= TSTRV_BYTES_CUT;
			continue;
		}
		cap = room - 1 < ARGV_MAX_ENTRY ? room - 1 : ARGV_MAX_ENTRY;
		if (strv_entry(m, p, cap, v, &len, &ef) < 0)
			return -1;
		if (ef & TSTR_TRUNC)
			v->flags |= TSTRV_BYTES_CUT;
		if (ef & TSTR_FAULT)
			v->flags |= TSTRV_BAD_ENTRY;
		v->off[v->n] = (uint32_t)v->used;
		v->len[v->n] = (uint32_t)len;
		v->eflags[v->n] = (unsigned char)ef;
		v->n++;
		v->used += len + 1;
	}
	return 0;
}

/* PTRACE_PEEKDATA a word at a time: slow, for tracees that are not
 * dumpable. Stops at the first page that cannot be read. */
static ssize_t peek_pages(pid_t pid, uint64_t addr, unsigned char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		for (size_t w = 0; w < TMEM_PAGE; w += sizeof(long)) {
			long word;

			errno = 0;
			/* A tracee address, not ours. */
			/* NOLINTNEXTLINE(performance-no-int-to-ptr) */
			word = ptrace(PTRACE_PEEKDATA, pid, (void *)(uintptr_t)(addr + done + w),
				      NULL);
			if (word == -1 && errno != 0)
				return errno == ESRCH && done == 0 ? -1 : (ssize_t)done;
			memcpy(buf + done + w, &word, sizeof word);
		}
		done += TMEM_PAGE;
	}
	return (ssize_t)done;
}

ssize_t tmem_read_process(void *ctx, uint64_t addr, void *buf, size_t len)
{
	pid_t pid = *(const pid_t *)ctx;
	struct iovec local = { buf, len };
	struct iovec remote[16];
	size_t n = len / TMEM_PAGE;
	ssize_t got;

	if (n == 0 || n > 16)
		return -1;
	/* One iovec per page: a fault then ends the read at a page. */
	for (size_t i = 0; i < n; i++)
		/* NOLINTNEXTLINE(performance-no-int-to-ptr): a tracee address */
		remote[i] = (struct iovec){ (void *)(uintptr_t)(addr + i * TMEM_PAGE),
					    TMEM_PAGE };
	got = process_vm_readv(pid, &local, 1, remote, n, 0);
	if (got >= 0)
		return got - got % (ssize_t)TMEM_PAGE;
	if (errno == EFAULT)
		return 0;
	if (errno == EPERM || errno == EACCES)
		return peek_pages(pid, addr, buf, len);
	return -1;
}
