/* cred_helper.c: running a docker credential helper (see cred_helper.h).
 *
 * The helper runs with a deadline because helpers that talk to cloud APIs
 * (ecr-login calls STS and ECR) can hang on a dead network, and a patcher
 * in a CI pipeline must fail instead of waiting forever. */
#include "cred_helper.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json_doc.h"

#define HELPER_OUT_MAX (64 * 1024)
#define HELPER_ERR_MAX 1024

/* What docker's credential helpers print when they have nothing stored. */
#define NOT_FOUND "credentials not found in native keychain"

int cred_helper_parse_reply(const char *out, size_t len, char **user,
			    char **secret, int *identity)
{
	struct fc_err ignored;
	cJSON *doc = json_doc_parse(out, len, "helper reply", &ignored);
	const cJSON *u = cJSON_GetObjectItemCaseSensitive(doc, "Username");
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(doc, "Secret");
	int rc = 0;

	*user = *secret = NULL;
	*identity = 0;
	if (cJSON_IsString(u) && cJSON_IsString(s)) {
		*identity = strcmp(u->valuestring, "<token>") == 0;
		*user = strdup(u->valuestring);
		*secret = strdup(s->valuestring);
		rc = *user && *secret ? 1 : -1;
		if (rc < 0) {
			free(*user);
			free(*secret);
			*user = *secret = NULL;
		}
	}
	cJSON_Delete(doc);
	return rc;
}

/* Output fit for a one-line message: printable, at most 200 characters. */
static void one_line(char *dst, size_t cap, const char *src, size_t n)
{
	size_t o = 0;

	while (n > 0 && strchr(" \t\r\n", src[n - 1]))
		n--;
	for (size_t i = 0; i < n && o + 4 < cap && o < 200; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[o++] = c >= ' ' && c < 0x7f ? (char)c : ' ';
	}
	if (o == 200)
		dst[o++] = '.', dst[o++] = '.', dst[o++] = '.';
	dst[o] = '\0';
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A pipe whose ends are all above the standard descriptors, so that the
 * dup2 onto 0, 1 and 2 in the child never meets itself (a patcher started
 * with stdin closed would otherwise get fd 0 here). */
static int high_pipe(int fd[2])
{
	if (pipe2(fd, O_CLOEXEC) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		if (fd[i] > 2)
			continue;
		int moved = fcntl(fd[i], F_DUPFD_CLOEXEC, 3);

		close(fd[i]);
		fd[i] = moved;
	}
	if (fd[0] < 0 || fd[1] < 0) {
		if (fd[0] >= 0)
			close(fd[0]);
		if (fd[1] >= 0)
			close(fd[1]);
		return -1;
	}
	return 0;
}

struct capture {
	char *buf;
	size_t len, cap;
	int fd;
};

/* Reads what is ready; returns 0 at EOF (fd closed), 1 for more. */
static int drain(struct capture *c)
{
	char tmp[4096];
	ssize_t r = read(c->fd, tmp, sizeof tmp);

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (r <= 0) {
		close(c->fd);
		c->fd = -1;
		return 0;
	}
	size_t take = (size_t)r;

	if (take > c->cap - c->len)
		take = c->cap - c->len; /* the rest is dropped, not buffered */
	memcpy(c->buf + c->len, tmp, take);
	c->len += take;
	return 1;
}

static int spawn(char *prog, int in, int out, int err, pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	char get[] = "get";
	char *argv[] = { prog, get, NULL };
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in, 0);
	posix_spawn_file_actions_adddup2(&fa, out, 1);
	posix_spawn_file_actions_adddup2(&fa, err, 2);
	posix_spawnattr_init(&attr);
	/* The patcher ignores SIGPIPE while it talks to registries; the
	 * helper gets the defaults a shell would give it. */
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	/* Its own process group, so that a timeout kills what a helper
	 * script started too, not only the script. */
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(pid, prog, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return rc;
}

/* One run of a helper: its process, its pipes and what it printed. */
struct run {
	char prog[256];
	const char *origin, *server;
	char out_buf[HELPER_OUT_MAX], err_buf[HELPER_ERR_MAX];
	struct capture co, ce;
	pid_t pid;
	int status, timed_out;
};

/* Starts the helper and hands it the server URL. */
static int start(struct run *r, struct fc_err *e)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 }, rc = -1;

	if (high_pipe(in) < 0 || high_pipe(out) < 0 || high_pipe(err) < 0) {
		fc_fail(e, FC_ERR_SYSTEM, "cannot make a pipe for %s: %s", r->prog,
			strerror(errno));
		goto out;
	}
	int serr = spawn(r->prog, in[0], out[1], err[1], &r->pid);

	if (serr != 0) {
		r->pid = -1;
		if (serr == ENOENT)
			fc_fail(e, FC_ERR_LOOKUP,
				"credential helper %s (named by %s) is not installed "
				"(not found on PATH): install it, or remove it from "
				"that docker config, or pass credentials with -pulltoken",
				r->prog, r->origin);
		else
			fc_fail(e, FC_ERR_LOOKUP,
				"credential helper %s (named by %s) cannot be started: %s",
				r->prog, r->origin, strerror(serr));
		goto out;
	}
	r->co.fd = out[0];
	r->ce.fd = err[0];
	out[0] = err[0] = -1;
	/* A server URL is far smaller than a pipe's buffer: this cannot block.
	 * A helper that exits without reading gives EPIPE, which is ignored:
	 * its exit status tells the story. */
	if (write(in[1], r->server, strlen(r->server)) < 0 && errno != EPIPE) {
		fc_fail(e, FC_ERR_SYSTEM, "writing to %s: %s", r->prog, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
		if (err[i] >= 0)
			close(err[i]);
	}
	return rc;
}

/* Reads both pipes to their end, then reaps the helper, all before the
 * deadline; sets r->timed_out when it passes. */
static int collect(struct run *r, long long deadline, struct fc_err *e)
{
	while (r->co.fd >= 0 || r->ce.fd >= 0) {
		struct pollfd p[2] = { { r->co.fd, POLLIN, 0 }, { r->ce.fd, POLLIN, 0 } };
		long long left = deadline - now_ms();

		if (left <= 0) {
			r->timed_out = 1;
			return 0;
		}
		int n = poll(p, 2, (int)left);

		if (n < 0 && errno != EINTR)
			return fc_fail(e, FC_ERR_SYSTEM, "waiting for %s: %s", r->prog,
				       strerror(errno));
		if (n > 0 && r->co.fd >= 0 && p[0].revents)
			drain(&r->co);
		if (n > 0 && r->ce.fd >= 0 && p[1].revents)
			drain(&r->ce);
	}
	/* Both pipes are closed; the helper normally exits right after. */
	for (;;) {
		pid_t w = waitpid(r->pid, &r->status, WNOHANG);

		if (w == r->pid) {
			r->pid = -1;
			return 0;
		}
		if (w < 0 && errno != EINTR)
			return fc_fail(e, FC_ERR_SYSTEM, "waiting for %s: %s", r->prog,
				       strerror(errno));
		if (now_ms() >= deadline) {
			r->timed_out = 1;
			return 0;
		}
		usleep(5000);
	}
}

/* What the exit status and output of a finished helper mean. */
static int verdict(struct run *r, char **user, char **secret, int *identity,
		   struct fc_err *e)
{
	char shown[256];
	int rc;

	if (WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0) {
		rc = cred_helper_parse_reply(r->co.buf, r->co.len, user, secret, identity);
		if (rc < 0)
			return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
		if (rc == 0)
			return fc_fail(e, FC_ERR_LOOKUP,
				       "credential helper %s (named by %s) printed "
				       "something that is not {\"Username\": ..., "
				       "\"Secret\": ...} JSON for %s", r->prog, r->origin,
				       r->server);
		return 1;
	}
	one_line(shown, sizeof shown, r->co.buf, r->co.len);
	if (strcmp(shown, NOT_FOUND) == 0)
		return 0;
	if (!*shown)
		one_line(shown, sizeof shown, r->ce.buf, r->ce.len);
	if (WIFEXITED(r->status))
		return fc_fail(e, FC_ERR_LOOKUP,
			       "credential helper %s (named by %s) failed for %s with "
			       "exit status %d%s%s", r->prog, r->origin, r->server,
			       WEXITSTATUS(r->status), *shown ? ": " : "", shown);
	return fc_fail(e, FC_ERR_LOOKUP,
		       "credential helper %s (named by %s) was killed by signal %d "
		       "while getting credentials for %s", r->prog, r->origin,
		       WTERMSIG(r->status), r->server);
}

int cred_helper_get(const char *name, const char *origin, const char *server,
		    int timeout_ms, char **user, char **secret, int *identity,
		    struct fc_err *e)
{
	struct run *r = calloc(1, sizeof *r);
	int rc = -1;

	*user = *secret = NULL;
	*identity = 0;
	if (!r)
		return fc_fail(e, FC_ERR_SYSTEM, "out of memory");
	snprintf(r->prog, sizeof r->prog, "docker-credential-%s", name);
	r->origin = origin;
	r->server = server;
	r->pid = -1;
	r->co = (struct capture){ r->out_buf, 0, sizeof r->out_buf, -1 };
	r->ce = (struct capture){ r->err_buf, 0, sizeof r->err_buf, -1 };
	if (start(r, e) < 0 || collect(r, now_ms() + timeout_ms, e) < 0)
		goto out;
	if (r->timed_out)
		fc_fail(e, FC_ERR_LOOKUP,
			"credential helper %s (named by %s) did not answer within "
			"%d s for %s and was stopped: check it by hand with "
			"`echo %s | %s get`", r->prog, origin, timeout_ms / 1000,
			server, server, r->prog);
	else
		rc = verdict(r, user, secret, identity, e);
out:
	if (r->pid > 0) {
		kill(-r->pid, SIGKILL);
		while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	if (r->co.fd >= 0)
		close(r->co.fd);
	if (r->ce.fd >= 0)
		close(r->ce.fd);
	explicit_bzero(r->out_buf, sizeof r->out_buf);
	free(r);
	return rc;
}
