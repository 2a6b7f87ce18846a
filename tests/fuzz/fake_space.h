/* fake_space.h: a small tracee address space for the fuzz targets that
 * read "tracee memory": 16 pages from FAKE_BASE, each mapped or not, read
 * as tracee_mem.h's source reads a live process (whole pages, stopping at
 * the first unmapped one). fake_space_fill repeats the input's bytes to
 * fill it. */
#ifndef FC_FAKE_SPACE_H
#define FC_FAKE_SPACE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "tracee_mem.h"

#define FAKE_PAGES 16U

struct fake_space {
	uint64_t base;
	uint16_t mapped;         /* bit i: page i exists */
	unsigned char mem[FAKE_PAGES * TMEM_PAGE];
};

static inline ssize_t fake_space_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct fake_space *s = ctx;
	size_t done = 0;

	while (done < len) {
		uint64_t a = addr + done;
		size_t page;

		if (a < s->base || a - s->base >= (uint64_t)FAKE_PAGES * TMEM_PAGE)
			break;
		page = (size_t)(a - s->base) / TMEM_PAGE;
		if (!(s->mapped & (1U << page)))
			break;
		memcpy((unsigned char *)buf + done, s->mem + page * TMEM_PAGE, TMEM_PAGE);
		done += TMEM_PAGE;
	}
	return (ssize_t)done;
}

static inline void fake_space_fill(struct fake_space *s, const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; n && i < sizeof s->mem; i += n)
		memcpy(s->mem + i, bytes, n < sizeof s->mem - i ? n : sizeof s->mem - i);
}

#endif
