/* test_relay.c: the log relay (sensor-shim/supervise/relay.c) in this process, under
 * ASan and UBSan: fd 1 and fd 2 are pointed at a pipe, a file, a socket or
 * /dev/null for the moment relay_start looks at them (then given back, so
 * that these TAP lines reach the harness), and the test writes through
 * the descriptors the application would get. Each path of the thread runs:
 * splice, read and write, send, one relay for 2>&1, a log reader that goes
 * away, and the drain's deadlines. suite-sensor.sh tests the same under
 * the real sensor. */
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "relay.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U;
}

/* relay_start with out as fd 1 and err as fd 2; app[] gets copies of the
 * descriptors the application would have (-1: not relayed), taken before
 * relay_spawned closes the sensor's. */
static struct relay *start(int out, int err, int app[2])
{
	struct fc_err e = { 0 };
	int saved1, saved2;
	struct relay *r;

	fflush(stdout);
	saved1 = dup(STDOUT_FILENO);
	saved2 = dup(STDERR_FILENO);
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	r = relay_start(&e);
	dup2(saved1, STDOUT_FILENO);
	dup2(saved2, STDERR_FILENO);
	close(saved1);
	close(saved2);
	if (!r)
		unit_diag("relay_start: %s", e.msg);
	for (int i = 0; i < 2; i++) {
		int fd = relay_app_fd(r, 1 + i);

		app[i] = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 3) : -1;
	}
	relay_spawned(r);
	return r;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Everything readable from fd until EOF, into buf (at most cap bytes). */
static size_t read_all(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	ssize_t r;

	while (n < cap && (r = read(fd, buf + n, cap - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		n += (size_t)r;
	}
	return n;
}

static int is_fifo(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

static void separate_pipes(void)
{
	int out[2], err[2], app[2];
	char buf[64];
	struct relay *r;
	size_t n;

	if (pipe(out) < 0 || pipe(err) < 0)
		return (void)CHECK(0, "pipes");
	r = start(out[1], err[1], app);
	close(out[1]);
	close(err[1]);
	CHECK(r && relay_tid(r) > 0, "two pipes: a relay thread");
	CHECK(app[0] >= 0 && app[1] >= 0 && is_fifo(app[0]) && is_fifo(app[1]),
	      "two pipes: fd 1 and fd 2 are relayed, as pipes");
	write_all(app[0], "to stdout\n", 10);
	write_all(app[1], "to stderr\n", 10);
	close(app[0]);
	close(app[1]);
	relay_finish(r, 200, 1000);
	n = read_all(out[0], buf, sizeof buf);
	CHECK(n == 10 && memcmp(buf, "to stdout\n", 10) == 0, "two pipes: stdout arrives");
	n = read_all(err[0], buf, sizeof buf);
	CHECK(n == 10 && memcmp(buf, "to stderr\n", 10) == 0, "two pipes: stderr arrives");
	close(out[0]);
	close(err[0]);
}

/* 2>&1: one relay pipe, so alternating writes keep their order. */
static void one_description(void)
{
	static char want[65536], got[sizeof want + 1];
	size_t wn = 0, n;
	int log[2], app[2];
	struct relay *r;

	if (pipe(log) < 0)
		return (void)CHECK(0, "pipe");
	r = start(log[1], log[1], app);
	close(log[1]);
	CHECK(app[0] >= 0 && app[1] >= 0, "2>&1: both relayed");
	for (int i = 0; i < 2000 && wn + 32 < sizeof want; i++) {
		int len = snprintf(want + wn, 32, "%s %d\n", i % 2 ? "err" : "out", i);

		write_all(app[i % 2], want + wn, (size_t)len);
		wn += (size_t)len;
		if (i % 200 == 0) { /* let the relay run between writes too */
			struct timespec ts = { 0, 1000000 };

			nanosleep(&ts, NULL);
		}
	}
	{
		struct stat a, b;

		CHECK(fstat(app[0], &a) == 0 && fstat(app[1], &b) == 0 &&
		      a.st_ino == b.st_ino, "2>&1: one relay pipe for both");
	}
	close(app[0]);
	close(app[1]);
	n = read_all(log[0], got, sizeof got);
	relay_finish(r, 200, 1000);
	CHECK(n == wn && memcmp(got, want, wn) == 0, "2>&1: %zu bytes in the order written", wn);
	close(log[0]);
}

/* A regular file (read and write) and a stream socket (send): 1 MB in
 * writes of 1000 bytes, more than the relay pipe holds. */
static void copy_paths(void)
{
	static char chunk[1000], got[1000001];
	char path[] = "/tmp/test_relay.XXXXXX";
	int file = mkstemp(path), sv[2], app[2], devnull = open("/dev/null", O_WRONLY);
	struct relay *r;
	size_t n = 0;
	int same = 1;

	memset(chunk, 'f', sizeof chunk);
	chunk[sizeof chunk - 1] = '\n';
	if (file < 0 || devnull < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return (void)CHECK(0, "a file, /dev/null and a socket pair");
	unlink(path);
	fcntl(file, F_SETFL, O_APPEND);
	r = start(file, sv[1], app);
	close(sv[1]);
	CHECK(app[0] >= 0 && app[1] >= 0, "a file and a socket: both relayed");
	for (int i = 0; i < 1000; i++)
		write_all(app[0], chunk, sizeof chunk);
	close(app[0]);
	/* The socket's reader must read while the app writes: a socket
	 * buffer holds less than 1 MB. */
	if (fork() == 0) {
		for (int i = 0; i < 1000; i++)
			write_all(app[1], chunk, sizeof chunk);
		_exit(0);
	}
	close(app[1]);
	n = read_all(sv[0], got, sizeof got);
	while (wait(NULL) > 0)
		;
	for (size_t i = 0; i < n; i++)
		same &= got[i] == chunk[i % sizeof chunk];
	CHECK(n == 1000000 && same, "a stream socket: 1 MB arrives whole (%zu bytes)", n);
	relay_finish(r, 200, 1000);
	n = (size_t)pread(file, got, sizeof got, 0);
	same = 1;
	for (size_t i = 0; i < n; i++)
		same &= got[i] == chunk[i % sizeof chunk];
	CHECK(n == 1000000 && same, "an O_APPEND file: 1 MB arrives whole (%zu bytes)", n);
	close(file);
	close(sv[0]);
	close(devnull);
}

static void left_alone(void)
{
	int devnull = open("/dev/null", O_WRONLY), ro = open("/etc/hostname", O_RDONLY),
	    dg[2], app[2];
	struct relay *r;

	if (devnull < 0 || ro < 0 || socketpair(AF_UNIX, SOCK_DGRAM, 0, dg) < 0)
		return (void)CHECK(0, "/dev/null, a read-only file, a datagram socket");
	r = start(devnull, ro, app);
	CHECK(r && relay_tid(r) == 0 && app[0] < 0 && app[1] < 0,
	      "/dev/null and a descriptor not open for writing: not relayed, no thread");
	relay_finish(r, 200, 1000);
	r = start(dg[1], dg[1], app);
	CHECK(r && relay_tid(r) == 0 && app[0] < 0 && app[1] < 0,
	      "a datagram socket: not relayed (its messages would merge)");
	relay_finish(r, 200, 1000);
	close(devnull);
	close(ro);
	close(dg[0]);
	close(dg[1]);
}

/* The log's reader goes away: the app's writes fail with EPIPE, at once
 * when the relay was idle (POLLERR on the log pipe). */
static void reader_gone(void)
{
	int log[2], devnull = open("/dev/null", O_WRONLY), app[2];
	uint64_t until;
	struct relay *r;
	int epipe = 0;

	if (pipe(log) < 0 || devnull < 0)
		return (void)CHECK(0, "pipe");
	r = start(log[1], devnull, app);
	close(log[1]);
	write_all(app[0], "one\n", 4);
	close(log[0]);
	until = now_ms() + 2000;
	while (!epipe && now_ms() < until) {
		struct timespec ts = { 0, 5000000 };

		nanosleep(&ts, NULL);
		epipe = write(app[0], "two\n", 4) < 0 && errno == EPIPE;
	}
	CHECK(epipe, "a log reader gone: the app's write fails with EPIPE");
	close(app[0]);
	relay_finish(r, 200, 1000);
	close(devnull);
}

/* relay_finish: EOF ends it at once; a write end still held (an orphan)
 * ends it idle_ms after the last byte; a reader that never reads, max_ms
 * after the start, the bytes then left counted. */
static void deadlines(void)
{
	int log[2], devnull = open("/dev/null", O_WRONLY), app[2];
	static char fill[1 << 20];
	uint64_t t0;
	struct relay *r;
	char buf[16];

	if (pipe(log) < 0 || devnull < 0)
		return (void)CHECK(0, "pipe");
	r = start(log[1], devnull, app);
	close(log[1]);
	write_all(app[0], "held\n", 5);
	t0 = now_ms();
	relay_finish(r, 100, 3000); /* app[0] is still open: no EOF */
	t0 = now_ms() - t0;
	/* Well under max_ms, whatever the machine's load: idle ended it. */
	CHECK(t0 >= 90 && t0 < 2900,
	      "a write end still held: the drain ends when idle (%llu ms)",
	      (unsigned long long)t0);
	CHECK(read(log[0], buf, sizeof buf) == 5 && memcmp(buf, "held\n", 5) == 0,
	      "... and what was written before arrived");
	close(app[0]);
	close(log[0]);

	if (pipe(log) < 0)
		return (void)CHECK(0, "pipe");
	r = start(log[1], devnull, app);
	close(log[1]);
	fcntl(app[0], F_SETFL, O_NONBLOCK);
	while (write(app[0], fill, sizeof fill) > 0) /* both pipes full */
		;
	close(app[0]);
	t0 = now_ms();
	relay_finish(r, 2000, 300); /* nobody reads the log */
	t0 = now_ms() - t0;
	CHECK(t0 >= 290 && t0 < 1500,
	      "a log reader that stalls: the drain ends at max_ms (%llu ms)",
	      (unsigned long long)t0);
	close(log[0]);
	close(devnull);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	separate_pipes();
	one_description();
	copy_paths();
	left_alone();
	reader_gone();
	deadlines();
	return unit_done();
}
