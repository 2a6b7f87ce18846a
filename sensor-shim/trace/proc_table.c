/* proc_table.c: two chained hash tables (threads by tid, processes by
 * tgid) that grow with the number of live tasks. */
#include "proc_table.h"

#include <stdlib.h>
#include <string.h>

#include "syscall_decode.h"

static size_t slot(pid_t id, size_t cap)
{
	/* Pids are dense and sequential: a multiplicative mix spreads them. */
	return (size_t)(((uint64_t)(uint32_t)id * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

void pt_init(struct proc_table *pt)
{
	memset(pt, 0, sizeof *pt);
}

/* Doubling a bucket array when it is full; on failure the old one is
 * kept, which still works, only with longer chains. */
static void grow_threads(struct proc_table *pt)
{
	size_t ncap = pt->cap_threads ? pt->cap_threads * 2 : 256;
	struct thread **nb;

	if (pt->n_threads < pt->cap_threads)
		return;
	nb = calloc(ncap, sizeof(struct thread *));
	if (!nb)
		return;
	for (size_t i = 0; i < pt->cap_threads; i++) {
		struct thread *t = pt->threads[i];

		while (t) {
			struct thread *next = t->next;
			size_t s = slot(t->tid, ncap);

			t->next = nb[s];
			nb[s] = t;
			t = next;
		}
	}
	free(pt->threads);
	pt->threads = nb;
	pt->cap_threads = ncap;
}

static void grow_procs(struct proc_table *pt)
{
	size_t ncap = pt->cap_procs ? pt->cap_procs * 2 : 256;
	struct proc **nb;

	if (pt->n_procs < pt->cap_procs)
		return;
	nb = calloc(ncap, sizeof(struct proc *));
	if (!nb)
		return;
	for (size_t i = 0; i < pt->cap_procs; i++) {
		struct proc *p = pt->procs[i];

		while (p) {
			struct proc *next = p->next;
			size_t s = slot(p->tgid, ncap);

			p->next = nb[s];
			nb[s] = p;
			p = next;
		}
	}
	free(pt->procs);
	pt->procs = nb;
	pt->cap_procs = ncap;
}

struct thread *pt_thread(const struct proc_table *pt, pid_t tid)
{
	struct thread *t;

	if (!pt->cap_threads)
		return NULL;
	for (t = pt->threads[slot(tid, pt->cap_threads)]; t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct proc *pt_proc(const struct proc_table *pt, pid_t tgid)
{
	struct proc *p;

	if (!pt->cap_procs)
		return NULL;
	for (p = pt->procs[slot(tgid, pt->cap_procs)]; p; p = p->next)
		if (p->tgid == tgid)
			return p;
	return NULL;
}

struct thread *pt_thread_add(struct proc_table *pt, pid_t tid, pid_t tgid)
{
	struct thread *t;
	struct proc *p = pt_proc(pt, tgid);
	size_t s;

	grow_threads(pt);
	if (!pt->cap_threads)
		return NULL;
	t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->tid = tid;
	t->tgid = tgid;
	s = slot(tid, pt->cap_threads);
	t->next = pt->threads[s];
	pt->threads[s] = t;
	pt->n_threads++;
	if (p)
		p->threads++;
	return t;
}

void pt_thread_del(struct proc_table *pt, pid_t tid)
{
	struct thread **pp;

	if (!pt->cap_threads)
		return;
	for (pp = &pt->threads[slot(tid, pt->cap_threads)]; *pp; pp = &(*pp)->next) {
		struct thread *t = *pp;

		if (t->tid == tid) {
			struct proc *p = pt_proc(pt, t->tgid);

			if (p && p->threads > 0)
				p->threads--;
			*pp = t->next;
			exec_info_free(t->pending);
			free(t);
			pt->n_threads--;
			return;
		}
	}
}

struct proc *pt_proc_add(struct proc_table *pt, pid_t tgid, pid_t ppid,
			 struct image *img)
{
	struct proc *p;
	size_t s;

	grow_procs(pt);
	if (!pt->cap_procs)
		return NULL;
	p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->tgid = tgid;
	p->ppid = ppid;
	p->img = img ? image_ref(img) : NULL;
	s = slot(tgid, pt->cap_procs);
	p->next = pt->procs[s];
	pt->procs[s] = p;
	pt->n_procs++;
	return p;
}

void pt_proc_del(struct proc_table *pt, pid_t tgid)
{
	struct proc **pp;

	if (!pt->cap_procs)
		return;
	for (pp = &pt->procs[slot(tgid, pt->cap_procs)]; *pp; pp = &(*pp)->next) {
		struct proc *p = *pp;

		if (p->tgid == tgid) {
			*pp = p->next;
			image_unref(p->img);
			free(p);
			pt->n_procs--;
			return;
		}
	}
}

void pt_free(struct proc_table *pt)
{
	for (size_t i = 0; i < pt->cap_threads; i++) {
		while (pt->threads[i]) {
			struct thread *t = pt->threads[i];

			pt->threads[i] = t->next;
			exec_info_free(t->pending);
			free(t);
		}
	}
	for (size_t i = 0; i < pt->cap_procs; i++) {
		while (pt->procs[i]) {
			struct proc *p = pt->procs[i];

			pt->procs[i] = p->next;
			image_unref(p->img);
			free(p);
		}
	}
	free(pt->threads);
	free(pt->procs);
	memset(pt, 0, sizeof *pt);
}

struct image *image_new(const char *exe, const char *name, const char *cmd_line)
{
	struct image *img = calloc(1, sizeof *img);

	if (!img)
		return NULL;
	img->refs = 1;
	img->exe = exe ? strdup(exe) : NULL;
	img->name = name ? strdup(name) : NULL;
	img->cmd_line = cmd_line ? strdup(cmd_line) : NULL;
	if ((exe && !img->exe) || (name && !img->name) || (cmd_line && !img->cmd_line)) {
		image_unref(img);
		return NULL;
	}
	return img;
}

int image_set_names(struct image *img, const char *const *names, size_t n)
{
	size_t bytes = 0, k = 0;
	char *buf, *at;

	for (size_t i = 0; i < n; i++)
		if (names[i])
			bytes += strlen(names[i]) + 1;
	buf = malloc(bytes ? bytes : 1);
	if (!buf)
		return -1;
	at = buf;
	for (size_t i = 0; i < n && k < IMAGE_NAMES_MAX; i++) {
		size_t j, len;

		if (!names[i])
			continue;
		for (j = 0; j < k && strcmp(img->names[j], names[i]) != 0; j++)
			;
		if (j < k)
			continue;
		len = strlen(names[i]) + 1;
		memcpy(at, names[i], len);
		img->names[k++] = at;
		at += len;
	}
	free(img->names_buf);
	img->names_buf = buf;
	img->n_names = k;
	return 0;
}

struct image *image_actor(struct image *img)
{
	return img && img->actor ? img->actor : img;
}

struct image *image_ref(struct image *img)
{
	if (img)
		img->refs++;
	return img;
}

void image_unref(struct image *img)
{
	/* An image holds its actor: freeing it may free that one too (a
	 * loop, not a recursion; the chain is one image deep). */
	while (img && --img->refs == 0) {
		struct image *actor = img->actor;

		free(img->exe);
		free(img->name);
		free(img->cmd_line);
		free(img->names_buf);
		free(img);
		img = actor;
	}
}
