/* test_task_meta.c: the ECS task metadata the sensor reads at start. First
 * the two reply parsers on a table (the Fargate and EC2 shapes, missing
 * fields, wrong types, garbage), then real fetches over loopback from a
 * small HTTP server that this program runs in a thread on 127.0.0.1 port
 * 0. That server is a fixture: there is no ECS agent here, so it answers
 * as the agent does and misbehaves on purpose (statuses, stalls, a body
 * over the cap, chunked framing, broken heads). */
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "task_meta.h"

#define MiB (1024 * 1024)

/* --- The parsers ----------------------------------------------------- */

enum { F_ARN, F_CLUSTER, F_FAMILY, F_REVISION, F_AZ, F_LAUNCH, F_REGION, F_ACCOUNT,
       F_NAME, F_ID, F_IMAGE, F_COUNT };

static const char *const field_names[F_COUNT] = {
	"task_arn", "cluster", "family", "revision", "availability_zone",
	"launch_type", "region", "account", "container_name", "container_id", "image",
};

static char *const *field(const struct task_meta *m, int i)
{
	char *const *f[F_COUNT] = {
		&m->task_arn, &m->cluster, &m->family, &m->revision,
		&m->availability_zone, &m->launch_type, &m->region, &m->account,
		&m->container_name, &m->container_id, &m->image,
	};
	return f[i];
}

/* A task reply in the shape Fargate (platform 1.4.0) sends, trimmed of
 * nothing: nested containers, fractional limits, ClockDrift. */
#define FARGATE_TASK \
	"{\n" \
	"  \"Cluster\": \"arn:aws:ecs:eu-west-1:210987654321:cluster/shop\",\n" \
	"  \"TaskARN\": \"arn:aws:ecs:eu-west-1:210987654321:task/shop/5f0c1e2d3b4a49d8a1c2e3f405162738\",\n" \
	"  \"Family\": \"shop-web\",\n" \
	"  \"Revision\": \"12\",\n" \
	"  \"DesiredStatus\": \"RUNNING\",\n" \
	"  \"KnownStatus\": \"RUNNING\",\n" \
	"  \"Limits\": { \"CPU\": 0.5, \"Memory\": 1024 },\n" \
	"  \"PullStartedAt\": \"2024-03-02T10:11:12.123456789Z\",\n" \
	"  \"PullStoppedAt\": \"2024-03-02T10:11:19.987654321Z\",\n" \
	"  \"AvailabilityZone\": \"eu-west-1b\",\n" \
	"  \"Containers\": [\n" \
	"    {\n" \
	"      \"DockerId\": \"5f0c1e2d3b4a49d8a1c2e3f405162738-1029384756\",\n" \
	"      \"Name\": \"crowdstrike-falcon-init-container\",\n" \
	"      \"Image\": \"210987654321.dkr.ecr.eu-west-1.amazonaws.com/falcon-container:7.1\",\n" \
	"      \"Labels\": { \"com.amazonaws.ecs.task-definition-version\": \"12\" },\n" \
	"      \"DesiredStatus\": \"STOPPED\", \"KnownStatus\": \"STOPPED\",\n" \
	"      \"ExitCode\": 0, \"Limits\": { \"CPU\": 2 }, \"Type\": \"NORMAL\"\n" \
	"    },\n" \
	"    {\n" \
	"      \"DockerId\": \"5f0c1e2d3b4a49d8a1c2e3f405162738-3141592653\",\n" \
	"      \"Name\": \"web\",\n" \
	"      \"Image\": \"public.ecr.aws/nginx/nginx:1.25\",\n" \
	"      \"DesiredStatus\": \"RUNNING\", \"KnownStatus\": \"RUNNING\",\n" \
	"      \"Networks\": [ { \"NetworkMode\": \"awsvpc\", \"IPv4Addresses\": [\"10.0.3.17\"] } ]\n" \
	"    }\n" \
	"  ],\n" \
	"  \"LaunchType\": \"FARGATE\",\n" \
	"  \"ClockDrift\": { \"ClockErrorBound\": 0.5458234999999999,\n" \
	"    \"ReferenceTimestamp\": \"2024-03-02T10:20:00Z\",\n" \
	"    \"ClockSynchronizationStatus\": \"SYNCHRONIZED\" },\n" \
	"  \"EphemeralStorageMetrics\": { \"Utilized\": 261, \"Reserved\": 20496 }\n" \
	"}\n"

#define FARGATE_CONTAINER \
	"{\"DockerId\":\"5f0c1e2d3b4a49d8a1c2e3f405162738-3141592653\",\"Name\":\"web\"," \
	"\"DockerName\":\"web\",\"Image\":\"public.ecr.aws/nginx/nginx:1.25\"," \
	"\"ImageID\":\"sha256:2a4fbb36e96607b16e5af2e24dc6a1025a4795520c98c6b9ead9c4113617cb73\"," \
	"\"Labels\":{\"com.amazonaws.ecs.cluster\":\"arn:aws:ecs:eu-west-1:210987654321:cluster/shop\"}," \
	"\"DesiredStatus\":\"RUNNING\",\"KnownStatus\":\"RUNNING\",\"Limits\":{\"CPU\":2}," \
	"\"CreatedAt\":\"2024-03-02T10:11:20.1Z\",\"Type\":\"NORMAL\"," \
	"\"Networks\":[{\"NetworkMode\":\"awsvpc\",\"IPv4Addresses\":[\"10.0.3.17\"]}]," \
	"\"ContainerARN\":\"arn:aws:ecs:eu-west-1:210987654321:container/shop/5f0c/77e1\"," \
	"\"LogDriver\":\"awslogs\",\"Snapshotter\":\"overlayfs\"}"

/* EC2 (agent 1.63+): a short cluster name, ServiceName, VPCID. */
#define EC2_TASK \
	"{\"Cluster\":\"default\",\"TaskARN\":\"arn:aws:ecs:us-west-2:111122223333:task/default/158d1c8083dd49d6b527399fd6414f5c\"," \
	"\"Family\":\"curltest\",\"ServiceName\":\"MyService\",\"Revision\":\"26\",\"DesiredStatus\":\"RUNNING\"," \
	"\"KnownStatus\":\"RUNNING\",\"PullStartedAt\":\"2020-10-02T00:43:06.202617438Z\"," \
	"\"AvailabilityZone\":\"us-west-2d\",\"VPCID\":\"vpc-1234567890abcdef0\",\"LaunchType\":\"EC2\"," \
	"\"Containers\":[]}"

/* An old EC2 agent: old-style task ARN, no zone, no launch type. */
#define OLD_EC2_TASK \
	"{\"Cluster\":\"default\",\"TaskARN\":\"arn:aws:ecs:us-east-2:012345678910:task/9781c248-0edd-4cdb-9a93-f63cb662a5d3\"," \
	"\"Family\":\"nginx\",\"Revision\":\"5\",\"DesiredStatus\":\"RUNNING\",\"KnownStatus\":\"RUNNING\"," \
	"\"Containers\":[]}"

#define ARN "arn:aws:ecs:us-east-1:123456789012:task/c/0123"

struct parse_case {
	int container;           /* 0: task reply, 1: container reply */
	const char *what;
	const char *body;        /* NUL-terminated unless len is set */
	size_t len;
	const char *err;         /* NULL: must parse; else a substring */
	const char *want[F_COUNT];
};

static const struct parse_case parse_cases[] = {
	{ 0, "Fargate task reply", FARGATE_TASK, 0, NULL,
	  { "arn:aws:ecs:eu-west-1:210987654321:task/shop/5f0c1e2d3b4a49d8a1c2e3f405162738",
	    "arn:aws:ecs:eu-west-1:210987654321:cluster/shop", "shop-web", "12",
	    "eu-west-1b", "FARGATE", "eu-west-1", "210987654321" } },
	{ 1, "Fargate container reply", FARGATE_CONTAINER, 0, NULL,
	  { [F_NAME] = "web", [F_ID] = "5f0c1e2d3b4a49d8a1c2e3f405162738-3141592653",
	    [F_IMAGE] = "public.ecr.aws/nginx/nginx:1.25" } },
	{ 0, "EC2 task reply", EC2_TASK, 0, NULL,
	  { "arn:aws:ecs:us-west-2:111122223333:task/default/158d1c8083dd49d6b527399fd6414f5c",
	    "default", "curltest", "26", "us-west-2d", "EC2", "us-west-2", "111122223333" } },
	{ 0, "old EC2 agent: old ARN form, no zone, no launch type", OLD_EC2_TASK, 0, NULL,
	  { "arn:aws:ecs:us-east-2:012345678910:task/9781c248-0edd-4cdb-9a93-f63cb662a5d3",
	    "default", "nginx", "5", NULL, NULL, "us-east-2", "012345678910" } },
	{ 0, "Revision as a number", "{\"TaskARN\":\"" ARN "\",\"Revision\":7}", 0, NULL,
	  { ARN, [F_REVISION] = "7", [F_REGION] = "us-east-1", [F_ACCOUNT] = "123456789012" } },
	{ 0, "Revision 0 as a number", "{\"TaskARN\":\"" ARN "\",\"Revision\":0}", 0, NULL,
	  { ARN, [F_REVISION] = "0", [F_REGION] = "us-east-1", [F_ACCOUNT] = "123456789012" } },
	{ 0, "Revision with a fraction", "{\"TaskARN\":\"" ARN "\",\"Revision\":7.5}", 0,
	  "\"Revision\" (line 1, column 72) is a number but not a whole one", { 0 } },
	{ 0, "Revision with an exponent", "{\"TaskARN\":\"" ARN "\",\"Revision\":1e2}", 0,
	  "not a whole one", { 0 } },
	{ 0, "negative Revision", "{\"TaskARN\":\"" ARN "\",\"Revision\":-3}", 0,
	  "not a whole one", { 0 } },
	{ 0, "Revision too big for an integer", "{\"TaskARN\":\"" ARN
	  "\",\"Revision\":99999999999999999999}", 0, "not a whole one", { 0 } },
	{ 0, "Revision as a boolean", "{\"TaskARN\":\"" ARN "\",\"Revision\":true}", 0,
	  "\"Revision\" (line 1, column 72) is a boolean, not a string or a whole number",
	  { 0 } },
	{ 0, "Family as a number", "{\"TaskARN\":\"" ARN "\",\"Family\":12}", 0,
	  "\"Family\" (line 1, column 70) is a number, not a string", { 0 } },
	{ 0, "TaskARN as an object", "{\"TaskARN\":{\"a\":1}}", 0,
	  "\"TaskARN\" (line 1, column 12) is an object, not a string", { 0 } },
	{ 0, "AvailabilityZone as an array", "{\"TaskARN\":\"" ARN
	  "\",\n\"AvailabilityZone\":[\"a\"]}", 0,
	  "\"AvailabilityZone\" (line 2, column 20) is an array", { 0 } },
	{ 0, "null and empty fields are absent",
	  "{\"TaskARN\":\"" ARN "\",\"Cluster\":null,\"AvailabilityZone\":\"\"}", 0, NULL,
	  { ARN, [F_REGION] = "us-east-1", [F_ACCOUNT] = "123456789012" } },
	{ 0, "no TaskARN", "{\"Cluster\":\"default\",\"Family\":\"f\"}", 0,
	  "the reply has no \"TaskARN\": it is not a task metadata reply", { 0 } },
	{ 0, "the container reply given to the task parser", FARGATE_CONTAINER, 0,
	  "no \"TaskARN\"", { 0 } },
	{ 1, "no Name", "{\"DockerId\":\"abc\"}", 0, "the reply has no \"Name\"", { 0 } },
	{ 1, "DockerId as a number", "{\"Name\":\"app\",\"DockerId\":12}", 0,
	  "\"DockerId\" (line 1, column 26) is a number, not a string", { 0 } },
	{ 1, "the container parser ignores task fields",
	  "{\"Name\":\"app\",\"TaskARN\":\"x\",\"Cluster\":5}", 0, NULL,
	  { [F_NAME] = "app" } },
	{ 0, "a malformed ARN leaves region and account NULL",
	  "{\"TaskARN\":\"not-an-arn\"}", 0, NULL, { "not-an-arn" } },
	{ 0, "an ARN with a short account", "{\"TaskARN\":\"arn:aws:ecs:us-east-1:12345:task/c/1\"}",
	  0, NULL, { "arn:aws:ecs:us-east-1:12345:task/c/1" } },
	{ 0, "an ARN of another service", "{\"TaskARN\":\"arn:aws:s3:::bucket/task/x\"}", 0,
	  NULL, { "arn:aws:s3:::bucket/task/x" } },
	{ 0, "an ECS ARN that is not a task's",
	  "{\"TaskARN\":\"arn:aws:ecs:us-east-1:123456789012:cluster/c\"}", 0, NULL,
	  { "arn:aws:ecs:us-east-1:123456789012:cluster/c" } },
	{ 0, "an ARN with no region", "{\"TaskARN\":\"arn:aws:ecs::123456789012:task/c/1\"}",
	  0, NULL, { "arn:aws:ecs::123456789012:task/c/1" } },
	{ 0, "an ARN in the China partition",
	  "{\"TaskARN\":\"arn:aws-cn:ecs:cn-north-1:123456789012:task/c/1\"}", 0, NULL,
	  { "arn:aws-cn:ecs:cn-north-1:123456789012:task/c/1", [F_REGION] = "cn-north-1",
	    [F_ACCOUNT] = "123456789012" } },
	{ 0, "\\u escapes become UTF-8", "{\"TaskARN\":\"" ARN "\",\"Family\":\"caf\\u00e9\"}",
	  0, NULL, { ARN, [F_FAMILY] = "caf\xc3\xa9", [F_REGION] = "us-east-1",
	  [F_ACCOUNT] = "123456789012" } },
	{ 0, "a top-level array", "[{\"TaskARN\":\"" ARN "\"}]", 0,
	  "the reply is an array, not an object", { 0 } },
	{ 0, "a top-level string", "\"hello\"", 0, "the reply is a string, not an object",
	  { 0 } },
	{ 0, "an empty body", "", 0, "the reply is not valid JSON: line 1, column 1", { 0 } },
	{ 0, "an HTML error page", "<html><body>502 Bad Gateway</body></html>", 0,
	  "the reply is not valid JSON: line 1, column 1", { 0 } },
	{ 0, "truncated JSON", "{\"TaskARN\":\"" ARN "\",\"Family\":\"sh", 0,
	  "not valid JSON", { 0 } },
	{ 0, "a duplicate key", "{\"TaskARN\":\"" ARN "\",\"TaskARN\":\"" ARN "\"}", 0,
	  "not valid JSON", { 0 } },
	{ 0, "trailing garbage", "{\"TaskARN\":\"" ARN "\"} x", 0, "not valid JSON", { 0 } },
	{ 1, "a NUL byte inside the body", "{\"Name\":\"a\0b\"}", 14, "not valid JSON",
	  { 0 } },
	{ 1, "binary garbage", "\xff\xfe\x00\x01{", 5, "not valid JSON", { 0 } },
};

static void test_parse_table(void)
{
	for (size_t c = 0; c < sizeof parse_cases / sizeof parse_cases[0]; c++) {
		const struct parse_case *t = &parse_cases[c];
		struct task_meta m = { 0 };
		struct fc_err e = { 0 };
		size_t len = t->len ? t->len : strlen(t->body);
		int rc = t->container ? task_meta_parse_container(t->body, len, &m, &e)
				      : task_meta_parse_task(t->body, len, &m, &e);

		if (t->err) {
			if (!CHECK(rc == -1 && strstr(e.msg, t->err) &&
				   strstr(e.msg, t->container ? "container reply"
							      : "task reply"),
				   "parse: %s: refused", t->what))
				unit_diag("rc %d, message: %s; want: %s", rc, e.msg, t->err);
			for (int i = 0; i < F_COUNT; i++) {
				if (*field(&m, i)) {
					CHECK(0, "parse: %s: a refused reply sets nothing "
					      "(%s)", t->what, field_names[i]);
					break;
				}
			}
		} else {
			int same = 1;

			if (!CHECK(rc == 0, "parse: %s: accepted", t->what))
				unit_diag("message: %s", e.msg);
			for (int i = 0; i < F_COUNT; i++) {
				const char *got = *field(&m, i), *want = t->want[i];

				if ((!got) != (!want) || (got && strcmp(got, want) != 0)) {
					unit_diag("%s: got %s, want %s", field_names[i],
						  got ? got : "(null)", want ? want : "(null)");
					same = 0;
				}
			}
			CHECK(same, "parse: %s: the fields", t->what);
		}
		task_meta_free(&m);
	}
}

/* Field caps: 1024 bytes is kept, 1025 refused. */
static void test_field_cap(void)
{
	const char *pre = "{\"Name\":\"";
	char *body = malloc(2048);
	struct task_meta m = { 0 };
	struct fc_err e = { 0 };
	size_t n = strlen(pre);

	if (!body)
		abort();
	memcpy(body, pre, n);
	memset(body + n, 'x', 1025);
	memcpy(body + n + 1024, "\"}", 3);
	CHECK(task_meta_parse_container(body, strlen(body), &m, &e) == 0 && m.container_name &&
	      strlen(m.container_name) == 1024, "parse: a 1024-byte value is kept");
	memset(body + n, 'x', 1025);
	memcpy(body + n + 1025, "\"}", 3);
	task_meta_free(&m);
	if (!CHECK(task_meta_parse_container(body, strlen(body), &m, &e) == -1 &&
		   strstr(e.msg, "is 1025 bytes long, over the 1024-byte cap") &&
		   !m.container_name, "parse: a 1025-byte value is refused"))
		unit_diag("%s", e.msg);
	task_meta_free(&m);
	free(body);
}

/* A second reply replaces what the first set; a refused one leaves it. */
static void test_replace(void)
{
	struct task_meta m = { 0 };
	struct fc_err e = { 0 };
	const char *second = "{\"TaskARN\":\"arn:aws:ecs:ap-south-1:999999999999:task/x/1\","
			     "\"Family\":\"other\"}";
	char *arn;

	CHECK(task_meta_parse_task(FARGATE_TASK, strlen(FARGATE_TASK), &m, &e) == 0 &&
	      task_meta_parse_container(FARGATE_CONTAINER, strlen(FARGATE_CONTAINER), &m,
					&e) == 0, "replace: both replies parsed into one struct");
	CHECK(m.task_arn && m.container_name && strcmp(m.container_name, "web") == 0,
	      "replace: the task parser leaves the container fields alone");
	arn = m.task_arn;
	CHECK(task_meta_parse_task("{\"Family\":3}", 12, &m, &e) == -1 && m.task_arn == arn &&
	      strcmp(m.family, "shop-web") == 0 && strcmp(m.availability_zone, "eu-west-1b") == 0,
	      "replace: a refused reply leaves every field as it was");
	CHECK(task_meta_parse_task(second, strlen(second), &m, &e) == 0 &&
	      strcmp(m.family, "other") == 0 && strcmp(m.region, "ap-south-1") == 0 &&
	      strcmp(m.account, "999999999999") == 0 && !m.availability_zone &&
	      !m.launch_type && !m.cluster && !m.revision,
	      "replace: a second task reply replaces all task fields, absent ones too");
	CHECK(m.container_name && strcmp(m.container_name, "web") == 0 && m.image,
	      "replace: and keeps the container fields");
	task_meta_free(&m);
	CHECK(!m.task_arn && !m.image, "task_meta_free leaves NULLs");
	task_meta_free(&m);
}

/* --- The fixture server --------------------------------------------------- */

enum mode {
	ANSWER,                  /* send the reply, close */
	STALL,                   /* read the request, never answer */
	TRICKLE,                 /* send the reply a byte at a time, slowly */
};

struct server {
	int lfd, stop[2];
	int family;
	unsigned port;
	pthread_t thread;
	enum mode mode;
	const char *task_reply, *container_reply; /* whole HTTP replies */
	size_t task_len, container_len;
	pthread_mutex_t lock;
	char requests[4][1024];  /* what the client sent, in order */
	int nrequests;
};

/* Waits for fd to be readable or the server to be stopped: 1 readable,
 * 0 stopped. The stop pipe is the only way out of a stall. */
static int ready_or_stop(struct server *s, int fd, int ms)
{
	struct pollfd p[2] = { { fd, POLLIN, 0 }, { s->stop[0], POLLIN, 0 } };

	while (poll(p, 2, ms) < 0) {
		if (errno != EINTR)
			return 0;
	}
	if (p[1].revents)
		return 0;
	return p[0].revents != 0;
}

static void send_reply(struct server *s, int c, const char *r, size_t len)
{
	if (s->mode == TRICKLE) {
		for (size_t i = 0; i < len; i++) {
			struct pollfd p[2] = { { c, POLLIN, 0 }, { s->stop[0], POLLIN, 0 } };

			if (send(c, r + i, 1, MSG_NOSIGNAL) != 1)
				return;
			/* 20 ms a byte: no single wait is long, only their sum.
			 * Readable c is the client closing. */
			if (poll(p, 2, 20) != 0)
				return;
		}
		return;
	}
	while (len > 0) {
		ssize_t n = send(c, r, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;   /* the client gave up: that is what some tests want */
		r += n;
		len -= (size_t)n;
	}
}

static void handle(struct server *s, int c)
{
	char req[1024];
	size_t len = 0;
	int task;

	while (len < sizeof req - 1 && !memmem(req, len, "\r\n\r\n", 4)) {
		ssize_t n;

		if (!ready_or_stop(s, c, -1))
			return;
		n = recv(c, req + len, sizeof req - 1 - len, 0);
		if (n <= 0)
			return;
		len += (size_t)n;
	}
	req[len] = '\0';
	pthread_mutex_lock(&s->lock);
	if (s->nrequests < 4)
		memcpy(s->requests[s->nrequests++], req, len + 1);
	pthread_mutex_unlock(&s->lock);
	/* "GET /v4/abc/task HTTP/1.0": the task document or the container's. */
	task = strstr(req, "/task HTTP/") != NULL;
	if (s->mode == STALL) {
		/* Until the client's deadline closes the connection. */
		while (ready_or_stop(s, c, -1) && recv(c, req, sizeof req, 0) > 0)
			;
		return;
	}
	if (task)
		send_reply(s, c, s->task_reply, s->task_len);
	else
		send_reply(s, c, s->container_reply, s->container_len);
}

static void *serve(void *arg)
{
	struct server *s = arg;

	while (ready_or_stop(s, s->lfd, -1)) {
		int c = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);

		if (c < 0)
			continue;
		handle(s, c);
		close(c);
	}
	return NULL;
}

/* Starts a server on 127.0.0.1:0 (or [::1]:0); -1 when the loopback
 * address cannot be bound (no IPv6 here). */
static int server_start(struct server *s, int family, enum mode mode,
			const char *task_reply, size_t task_len,
			const char *container_reply, size_t container_len)
{
	struct sockaddr_storage a = { 0 };
	socklen_t alen;

	memset(s, 0, sizeof *s);
	s->family = family;
	s->mode = mode;
	s->task_reply = task_reply;
	s->task_len = task_len;
	s->container_reply = container_reply;
	s->container_len = container_len;
	pthread_mutex_init(&s->lock, NULL);
	if (family == AF_INET6) {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&a;

		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_loopback;
		alen = sizeof *a6;
	} else {
		struct sockaddr_in *a4 = (struct sockaddr_in *)&a;

		a4->sin_family = AF_INET;
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		alen = sizeof *a4;
	}
	s->lfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->lfd < 0)
		return -1;
	if (bind(s->lfd, (struct sockaddr *)&a, alen) < 0 || listen(s->lfd, 8) < 0 ||
	    getsockname(s->lfd, (struct sockaddr *)&a, &alen) < 0) {
		close(s->lfd);
		return -1;
	}
	s->port = ntohs(family == AF_INET6 ? ((struct sockaddr_in6 *)&a)->sin6_port
					   : ((struct sockaddr_in *)&a)->sin_port);
	if (pipe2(s->stop, O_CLOEXEC) < 0 || pthread_create(&s->thread, NULL, serve, s) != 0)
		abort();
	return 0;
}

static void server_stop(struct server *s)
{
	if (write(s->stop[1], "x", 1) != 1)
		abort();
	pthread_join(s->thread, NULL);
	close(s->stop[0]);
	close(s->stop[1]);
	close(s->lfd);
	pthread_mutex_destroy(&s->lock);
}

/* An agent-like reply: HTTP/1.0, JSON, with or without Content-Length. */
static char *http_reply(const char *status, const char *body, size_t len, int with_length,
			size_t *out_len)
{
	char head[256];
	int n = snprintf(head, sizeof head, "HTTP/1.0 %s\r\nContent-Type: application/json\r\n",
			 status);
	char *r;

	if (with_length)
		n += snprintf(head + n, sizeof head - (size_t)n, "Content-Length: %zu\r\n", len);
	n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
	r = malloc((size_t)n + len);
	if (!r)
		abort();
	memcpy(r, head, (size_t)n);
	memcpy(r + n, body, len);
	*out_len = (size_t)n + len;
	return r;
}

/* --- Fetches ------------------------------------------------------------ */

#define T_OK 5000U   /* a bound on a hang, not a threshold */
#define T_SHORT 300U

struct fetch_case {
	const char *what;
	enum mode mode;
	const char *task_raw;    /* NULL: a good agent-like task reply */
	const char *container_raw; /* NULL: a good container reply */
	unsigned timeout;
	const char *err;         /* NULL: must succeed; else a substring */
	int err_in_task;         /* the error names the /task URL */
};

static const struct fetch_case fetch_cases[] = {
	{ "404", ANSWER, "HTTP/1.0 404 Not Found\r\nContent-Length: 19\r\n\r\n404 page not found\n",
	  NULL, T_OK, ": HTTP 404 Not Found", 1 },
	{ "500", ANSWER, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}",
	  NULL, T_OK, ": HTTP 500 Internal Server Error", 1 },
	{ "500 on the container reply after a good task reply", ANSWER, NULL,
	  "HTTP/1.0 500 Internal Server Error\r\n\r\n", T_OK, ": HTTP 500", 0 },
	{ "204 is not 200", ANSWER, "HTTP/1.0 204 No Content\r\n\r\n", NULL, T_OK, ": HTTP 204", 1 },
	{ "a status line with no reason", ANSWER, "HTTP/1.0 503\r\n\r\n", NULL, T_OK,
	  ": HTTP 503", 1 },
	{ "no reply within the deadline", STALL, NULL, NULL, T_SHORT,
	  "timed out after 300 ms (waiting for a reply)", 1 },
	{ "a reply trickling in past the deadline (one deadline, not one per read)",
	  TRICKLE, NULL, NULL, T_SHORT, "timed out after 300 ms", 1 },
	{ "a deadline of 0 ms", ANSWER, NULL, NULL, 0, "timed out after 0 ms", 1 },
	{ "chunked is refused", ANSWER,
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", NULL,
	  T_OK, "chunked (Transfer-Encoding: chunked)", 1 },
	{ "chunked in another case and list is refused", ANSWER,
	  "HTTP/1.1 200 OK\r\ntransfer-encoding: gzip, Chunked\r\n\r\n", NULL, T_OK,
	  "chunked", 1 },
	{ "another transfer coding is refused", ANSWER,
	  "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", NULL, T_OK,
	  "unsupported \"Transfer-Encoding: gzip\"", 1 },
	{ "a body shorter than Content-Length", ANSWER,
	  "HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\n{\"TaskARN\":", NULL, T_OK,
	  "the reply ended after 11 of its 100 bytes", 1 },
	{ "a Content-Length over the cap", ANSWER,
	  "HTTP/1.0 200 OK\r\nContent-Length: 1048577\r\n\r\n{", NULL, T_OK,
	  "the reply is 1048577 bytes, over the 1048576-byte cap", 1 },
	{ "a Content-Length that overflows", ANSWER,
	  "HTTP/1.0 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n{", NULL, T_OK,
	  "bad Content-Length", 1 },
	{ "a Content-Length that is not a number", ANSWER,
	  "HTTP/1.0 200 OK\r\nContent-Length: 12abc\r\n\r\n{", NULL, T_OK,
	  "bad Content-Length in \"Content-Length: 12abc\"", 1 },
	{ "a Content-Length list", ANSWER,
	  "HTTP/1.0 200 OK\r\nContent-Length: 2, 2\r\n\r\n{}", NULL, T_OK,
	  "bad Content-Length", 1 },
	{ "two different Content-Lengths", ANSWER,
	  "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}", NULL, T_OK,
	  "two different Content-Length headers", 1 },
	{ "not HTTP", ANSWER, "SSH-2.0-OpenSSH_9.2\r\n\r\n", NULL, T_OK,
	  "not an HTTP/1.x status line: \"SSH-2.0-OpenSSH_9.2\"", 1 },
	{ "HTTP/2 status line", ANSWER, "HTTP/2 200\r\n\r\n{}", NULL, T_OK,
	  "not an HTTP/1.x status line", 1 },
	{ "a four-digit status", ANSWER, "HTTP/1.0 2000 OK\r\n\r\n{}", NULL, T_OK,
	  "not an HTTP/1.x status line", 1 },
	{ "a header line without a colon", ANSWER,
	  "HTTP/1.0 200 OK\r\nContent-Type application/json\r\n\r\n{}", NULL, T_OK,
	  "malformed header line \"Content-Type application/json\"", 1 },
	{ "a space before the colon", ANSWER,
	  "HTTP/1.0 200 OK\r\nContent-Length : 2\r\n\r\n{}", NULL, T_OK,
	  "malformed header line", 1 },
	{ "a folded header", ANSWER,
	  "HTTP/1.0 200 OK\r\nX-A: 1\r\n  2\r\n\r\n{}", NULL, T_OK, "folded header line", 1 },
	{ "a control character in a header", ANSWER,
	  "HTTP/1.0 200 OK\r\nX-A: a\x01" "b\r\n\r\n{}", NULL, T_OK,
	  "control character in header line \"X-A: a?b\"", 1 },
	{ "bare LF line ends", ANSWER, "HTTP/1.0 200 OK\nContent-Length: 2\n\n{}", NULL, T_OK,
	  "the reply ended inside its headers, after 37 bytes", 1 },
	{ "closed without a reply", ANSWER, "", NULL, T_OK,
	  "the server closed the connection without a reply", 1 },
	{ "headers that never end", ANSWER, NULL, NULL, T_OK,
	  "the reply's headers are longer than 16384 bytes", 1 },
	{ "a 200 whose body is not JSON", ANSWER,
	  "HTTP/1.0 200 OK\r\n\r\n<html>hello</html>", NULL, T_OK,
	  "the reply is not valid JSON: line 1, column 1", 1 },
	{ "a 200 whose body is not a task", ANSWER,
	  "HTTP/1.0 200 OK\r\n\r\n{\"Name\":\"app\"}", NULL, T_OK,
	  "the reply has no \"TaskARN\"", 1 },
};

static char *task_ok, *container_ok, *long_head;
static size_t task_ok_len, container_ok_len;

static void fetch_url(char *buf, size_t size, const struct server *s, const char *path)
{
	snprintf(buf, size, s->family == AF_INET6 ? "http://[::1]:%u%s" :
		 "http://127.0.0.1:%u%s", s->port, path);
}

static void test_fetch_table(void)
{
	for (size_t c = 0; c < sizeof fetch_cases / sizeof fetch_cases[0]; c++) {
		const struct fetch_case *t = &fetch_cases[c];
		const char *task = t->task_raw ? t->task_raw : task_ok;
		const char *cont = t->container_raw ? t->container_raw : container_ok;
		size_t tlen = t->task_raw ? strlen(t->task_raw) : task_ok_len;
		size_t clen = t->container_raw ? strlen(t->container_raw) : container_ok_len;
		struct task_meta m = { 0 };
		struct fc_err e = { 0 };
		char uri[128], want_url[160];
		struct server s;
		int rc;

		if (strcmp(t->what, "headers that never end") == 0) {
			task = long_head;
			tlen = strlen(long_head);
		}
		if (server_start(&s, AF_INET, t->mode, task, tlen, cont, clen) < 0)
			abort();
		fetch_url(uri, sizeof uri, &s, "/v4/0123456789abcdef-42");
		snprintf(want_url, sizeof want_url, "ECS task metadata %s%s: ", uri,
			 t->err_in_task ? "/task" : "");
		rc = task_meta_fetch(uri, t->timeout, &m, &e);
		server_stop(&s);
		if (!CHECK(rc == -1 && strstr(e.msg, t->err) &&
			   strncmp(e.msg, want_url, strlen(want_url)) == 0,
			   "fetch: %s: refused, naming the URL and the cause", t->what))
			unit_diag("rc %d, message: %s; want: %s...%s", rc, e.msg, want_url,
				  t->err);
		if (t->err_in_task)
			CHECK(!m.task_arn && !m.container_name,
			      "fetch: %s: nothing read, nothing set", t->what);
		else
			CHECK(m.task_arn && m.family && !m.container_name,
			      "fetch: %s: out keeps the task fields read before", t->what);
		task_meta_free(&m);
	}
}

static void test_fetch_ok(void)
{
	struct task_meta m = { 0 };
	struct fc_err e = { 0 };
	char uri[128], host[64];
	struct server s;
	int rc;

	if (server_start(&s, AF_INET, ANSWER, task_ok, task_ok_len, container_ok,
			 container_ok_len) < 0)
		abort();
	fetch_url(uri, sizeof uri, &s, "/v4/0123456789abcdef-42");
	rc = task_meta_fetch(uri, T_OK, &m, &e);
	server_stop(&s);
	if (!CHECK(rc == 0, "fetch: a Fargate-like agent: both replies read"))
		unit_diag("%s", e.msg);
	unit_streq(m.task_arn, "arn:aws:ecs:eu-west-1:210987654321:task/shop/"
		   "5f0c1e2d3b4a49d8a1c2e3f405162738", "fetch: TaskARN");
	unit_streq(m.cluster, "arn:aws:ecs:eu-west-1:210987654321:cluster/shop", "fetch: Cluster");
	unit_streq(m.family, "shop-web", "fetch: Family");
	unit_streq(m.revision, "12", "fetch: Revision");
	unit_streq(m.availability_zone, "eu-west-1b", "fetch: AvailabilityZone");
	unit_streq(m.launch_type, "FARGATE", "fetch: LaunchType");
	unit_streq(m.region, "eu-west-1", "fetch: region from the ARN");
	unit_streq(m.account, "210987654321", "fetch: account from the ARN");
	unit_streq(m.container_name, "web", "fetch: container Name");
	unit_streq(m.container_id, "5f0c1e2d3b4a49d8a1c2e3f405162738-3141592653",
		   "fetch: container DockerId");
	unit_streq(m.image, "public.ecr.aws/nginx/nginx:1.25", "fetch: container Image");
	task_meta_free(&m);

	/* What went over the wire: the task first, HTTP/1.0, Host, close. */
	snprintf(host, sizeof host, "\r\nHost: 127.0.0.1:%u\r\n", s.port);
	CHECK(s.nrequests == 2, "fetch: two requests, one per connection");
	CHECK(strncmp(s.requests[0], "GET /v4/0123456789abcdef-42/task HTTP/1.0\r\n", 43) == 0,
	      "fetch: first GET ${URI}/task over HTTP/1.0");
	CHECK(strncmp(s.requests[1], "GET /v4/0123456789abcdef-42 HTTP/1.0\r\n", 38) == 0,
	      "fetch: then GET ${URI}");
	CHECK(strstr(s.requests[0], host) && strstr(s.requests[1], host),
	      "fetch: a Host header with the port");
	CHECK(strstr(s.requests[0], "\r\nConnection: close\r\n") &&
	      strstr(s.requests[1], "\r\nConnection: close\r\n"),
	      "fetch: Connection: close");
	if (s.nrequests > 0)
		unit_diag("request: %.*s", (int)strcspn(s.requests[0], "\r"), s.requests[0]);
}

/* No Content-Length: the body ends at EOF, as the agent's long replies
 * to an HTTP/1.0 request do. A large body takes many reads. */
static void test_fetch_eof_delimited(void)
{
	const char *pre = "{\"TaskARN\":\"" ARN "\",\"Family\":\"big\",\"Pad\":\"";
	size_t n = 300 * 1024, plen = strlen(pre), tlen, clen;
	char *body = malloc(n), *task, *cont;
	struct task_meta m = { 0 };
	struct fc_err e = { 0 };
	char uri[128];
	struct server s;
	int rc;

	if (!body)
		abort();
	memcpy(body, pre, plen);
	memset(body + plen, 'p', n - plen - 2);
	memcpy(body + n - 2, "\"}", 2);
	task = http_reply("200 OK", body, n, 0, &tlen);
	cont = http_reply("200 OK", "{\"Name\":\"app\"}", 14, 0, &clen);
	if (server_start(&s, AF_INET, ANSWER, task, tlen, cont, clen) < 0)
		abort();
	fetch_url(uri, sizeof uri, &s, "/v4/abc");
	rc = task_meta_fetch(uri, T_OK, &m, &e);
	server_stop(&s);
	if (!CHECK(rc == 0 && m.family && strcmp(m.family, "big") == 0 && m.container_name &&
		   strcmp(m.container_name, "app") == 0,
		   "fetch: replies without Content-Length end at EOF (300 KiB task reply)"))
		unit_diag("%s", e.msg);
	task_meta_free(&m);
	free(task);
	free(cont);
	free(body);
}

/* Bytes after Content-Length are not the body: a server may leave junk. */
static void test_fetch_past_length(void)
{
	static const char task[] = "HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n"
		"{\"TaskARN\":\"" ARN "\"}"
		"GARBAGE AFTER THE BODY";
	static const char cont[] = "HTTP/1.0 200 OK\r\ncontent-length:14\r\n\r\n"
		"{\"Name\":\"app\"}\r\n";
	struct task_meta m = { 0 };
	struct fc_err e = { 0 };
	char uri[128];
	struct server s;

	if (server_start(&s, AF_INET, ANSWER, task, strlen(task), cont, strlen(cont)) < 0)
		abort();
	fetch_url(uri, sizeof uri, &s, "/v4/abc");
	if (!CHECK(task_meta_fetch(uri, T_OK, &m, &e) == 0 && m.task_arn &&
		   strcmp(m.task_arn, ARN) == 0 && m.container_name,
		   "fetch: the body is Content-Length bytes; what follows is ignored"))
		unit_diag("%s", e.msg);
	server_stop(&s);
	task_meta_free(&m);
}

/* The cap is 1 MiB of body: exactly that is read, one byte more is not,
 * with Content-Length and without. */
static void test_fetch_cap(void)
{
	const char *pre = "{\"TaskARN\":\"" ARN "\",\"Pad\":\"";
	size_t plen = strlen(pre);
	char *body = malloc(MiB + 1);

	if (!body)
		abort();
	for (int over = 0; over <= 1; over++) {
		size_t n = MiB + (size_t)over;

		memcpy(body, pre, plen);
		memset(body + plen, 'p', n - plen - 2);
		memcpy(body + n - 2, "\"}", 2);
		for (int with_length = 1; with_length >= 0; with_length--) {
			size_t tlen, clen;
			char *task = http_reply("200 OK", body, n, with_length, &tlen);
			char *cont = http_reply("200 OK", "{\"Name\":\"a\"}", 12, 1, &clen);
			struct task_meta m = { 0 };
			struct fc_err e = { 0 };
			char uri[128];
			struct server s;
			int rc;

			if (server_start(&s, AF_INET, ANSWER, task, tlen, cont, clen) < 0)
				abort();
			fetch_url(uri, sizeof uri, &s, "/v4/abc");
			rc = task_meta_fetch(uri, T_OK, &m, &e);
			server_stop(&s);
			if (!over) {
				if (!CHECK(rc == 0 && m.task_arn, "fetch: a body of exactly "
					   "1 MiB is read (%s Content-Length)",
					   with_length ? "with" : "without"))
					unit_diag("%s", e.msg);
			} else {
				const char *want = with_length ?
					"the reply is 1048577 bytes, over the 1048576-byte cap" :
					"the reply is longer than the 1048576-byte cap";

				if (!CHECK(rc == -1 && strstr(e.msg, want) && !m.task_arn,
					   "fetch: a body of 1 MiB + 1 is refused (%s "
					   "Content-Length)", with_length ? "with" : "without"))
					unit_diag("%s", e.msg);
			}
			task_meta_free(&m);
			free(task);
			free(cont);
		}
	}
	free(body);
}

static void test_fetch_refused(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof a;
	struct task_meta m = { 0 };
	struct fc_err e = { 0 };
	char uri[128];
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	/* A port that was just free: bound, then closed without listening. */
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &alen) < 0)
		abort();
	close(fd);
	snprintf(uri, sizeof uri, "http://127.0.0.1:%u/v4/abc", ntohs(a.sin_port));
	if (!CHECK(task_meta_fetch(uri, T_OK, &m, &e) == -1 &&
		   strstr(e.msg, "/v4/abc/task: cannot connect: Connection refused"),
		   "fetch: connection refused"))
		unit_diag("%s", e.msg);
	task_meta_free(&m);
}

/* A listener whose accept queue is full drops new SYNs, so connect() hangs
 * until the deadline. (If this kernel completed it anyway, the read would
 * time out instead: either way the fetch must give up in time.) */
static void test_fetch_connect_hangs(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof a;
	struct task_meta m = { 0 };
	struct fc_err e = { 0 };
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), fill[4];
	char uri[128];

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, 0) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &alen) < 0)
		abort();
	for (int i = 0; i < 4; i++) {
		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fill[i] < 0)
			abort();
		(void)connect(fill[i], (struct sockaddr *)&a, sizeof a);
	}
	snprintf(uri, sizeof uri, "http://127.0.0.1:%u/v4/abc", ntohs(a.sin_port));
	CHECK(task_meta_fetch(uri, T_SHORT, &m, &e) == -1 &&
	      strstr(e.msg, "/v4/abc/task: timed out after 300 ms"),
	      "fetch: a connect that never completes ends at the deadline");
	unit_diag("%s", e.msg);
	task_meta_free(&m);
	for (int i = 0; i < 4; i++)
		close(fill[i]);
	close(lfd);
}

/* Other spellings of the endpoint that must work. */
static void test_fetch_hosts(void)
{
	const char *paths[] = { "/v4/abc/", "" };
	struct server s;

	for (int family = AF_INET; family; family = family == AF_INET ? AF_INET6 : 0) {
		struct task_meta m = { 0 };
		struct fc_err e = { 0 };
		char uri[128];

		if (server_start(&s, family, ANSWER, task_ok, task_ok_len, container_ok,
				 container_ok_len) < 0) {
			CHECK(family == AF_INET6, "fetch: a loopback server");
			unit_diag("no IPv6 loopback here: the [::1] fetch is skipped");
			continue;
		}
		if (family == AF_INET)
			snprintf(uri, sizeof uri, "http://LocalHost:%u/v4/abc", s.port);
		else
			fetch_url(uri, sizeof uri, &s, "/v4/abc");
		if (!CHECK(task_meta_fetch(uri, T_OK, &m, &e) == 0 && m.container_name,
			   "fetch: %s", uri))
			unit_diag("%s", e.msg);
		server_stop(&s);
		task_meta_free(&m);
		if (family == AF_INET) {
			char want[64];

			snprintf(want, sizeof want, "\r\nHost: LocalHost:%u\r\n", s.port);
			CHECK(strstr(s.requests[0], want) != NULL,
			      "fetch: Host is the authority as written");
		} else {
			CHECK(strstr(s.requests[0], "\r\nHost: [::1]:") != NULL,
			      "fetch: Host keeps the IPv6 brackets");
		}
	}

	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
		struct task_meta m = { 0 };
		struct fc_err e = { 0 };
		char uri[128];

		if (server_start(&s, AF_INET, ANSWER, task_ok, task_ok_len, container_ok,
				 container_ok_len) < 0)
			abort();
		fetch_url(uri, sizeof uri, &s, paths[i]);
		CHECK(task_meta_fetch(uri, T_OK, &m, &e) == 0, "fetch: %s", uri);
		server_stop(&s);
		task_meta_free(&m);
		if (i == 0)
			CHECK(strncmp(s.requests[0], "GET /v4/abc/task ", 17) == 0 &&
			      strncmp(s.requests[1], "GET /v4/abc/ ", 13) == 0,
			      "fetch: a trailing slash is not doubled before task");
		else
			CHECK(strncmp(s.requests[0], "GET /task ", 10) == 0 &&
			      strncmp(s.requests[1], "GET / ", 6) == 0,
			      "fetch: no path: GET /task and GET /");
	}
}

static const struct {
	const char *uri, *err;
} bad_uris[] = {
	{ "", "it is empty" },
	{ "https://169.254.170.2/v4/abc", "https is not supported" },
	{ "HTTPS://169.254.170.2/v4/abc", "https is not supported" },
	{ "ftp://169.254.170.2/v4/abc", "not an http:// URL" },
	{ "169.254.170.2/v4/abc", "not an http:// URL" },
	{ "http://", "it has no host" },
	{ "http:///v4/abc", "it has no host" },
	{ "http://:80/v4", "it has no host" },
	{ "http://metadata.internal/v4/abc", "host \"metadata.internal\" is not an IPv4 address, "
	  "an [IPv6] address or localhost (the sensor does not look names up)" },
	{ "http://169.254.170/v4/abc", "is not an IPv4 address" },
	{ "http://0x7f.0.0.1/v4/abc", "is not an IPv4 address" },
	{ "http://169.254.170.2:/v4/abc", "the host is followed by \":\", not :PORT" },
	{ "http://169.254.170.2:0/v4", "port \"0\" is not a number from 1 to 65535" },
	{ "http://169.254.170.2:65536/v4", "port \"65536\" is not a number" },
	{ "http://169.254.170.2:123456/v4", "port \"123456\" is not a number" },
	{ "http://169.254.170.2:-1/v4", "port \"-1\" is not a number" },
	{ "http://169.254.170.2:80x/v4", "port \"80x\" is not a number" },
	{ "http://[::1/v4/abc", "the IPv6 address has no closing ]" },
	{ "http://[::1]x/v4", "the host is followed by \"x\"" },
	{ "http://[]/v4", "it has no host" },
	{ "http://[fe80::1%25eth0]/v4", "IPv6 zone IDs" },
	{ "http://[127.0.0.1]/v4", "[127.0.0.1] is not an IPv6 address" },
	{ "http://user@169.254.170.2/v4", "user information" },
	{ "http://169.254.170.2/v4/abc?x=1", "a query or a fragment" },
	{ "http://169.254.170.2/v4/abc#top", "a query or a fragment" },
	{ "http://169.254.170.2/v4/a b", "byte 25 (0x20) cannot be in a URL" },
	{ "http://169.254.170.2/v4/abc\r\nX-Evil: 1", "byte 27 (0x0d) cannot be in a URL" },
	{ "http://169.254.170.2/v4/caf\xc3\xa9", "(0xc3) cannot be in a URL" },
};

static void test_bad_uris(void)
{
	char *long_uri = malloc(1100);
	struct task_meta m = { 0 };
	struct fc_err e = { 0 };

	for (size_t i = 0; i < sizeof bad_uris / sizeof bad_uris[0]; i++) {
		if (!CHECK(task_meta_fetch(bad_uris[i].uri, T_OK, &m, &e) == -1 &&
			   strstr(e.msg, bad_uris[i].err) &&
			   strncmp(e.msg, "ECS task metadata URI \"", 23) == 0 &&
			   !strpbrk(e.msg, "\r\n") && e.kind == FC_ERR_INPUT,
			   "uri: %s refused", bad_uris[i].uri))
			unit_diag("%s", e.msg);
	}
	if (!long_uri)
		abort();
	memcpy(long_uri, "http://169.254.170.2/", 21);
	memset(long_uri + 21, 'a', 1100 - 22);
	long_uri[1099] = '\0';
	CHECK(task_meta_fetch(long_uri, T_OK, &m, &e) == -1 &&
	      strstr(e.msg, "it is 1099 bytes long, over the 1024-byte cap"),
	      "uri: over 1024 bytes refused");
	CHECK(task_meta_fetch(NULL, T_OK, &m, &e) == -1 &&
	      strstr(e.msg, "ECS_CONTAINER_METADATA_URI_V4 is not set"), "uri: NULL refused");
	CHECK(!m.task_arn, "uri: nothing set");
	free(long_uri);
}

int main(void)
{
	size_t n;

	test_parse_table();
	test_field_cap();
	test_replace();

	task_ok = http_reply("200 OK", FARGATE_TASK, strlen(FARGATE_TASK), 1, &task_ok_len);
	container_ok = http_reply("200 OK", FARGATE_CONTAINER, strlen(FARGATE_CONTAINER), 1,
				  &container_ok_len);
	n = 20000;
	long_head = malloc(n + 1);
	if (!long_head)
		abort();
	memcpy(long_head, "HTTP/1.0 200 OK\r\n", 17);
	for (size_t i = 17; i < n; i += 10)
		memcpy(long_head + i, "X-Pad: 1\r\n", 10 < n - i ? 10 : n - i);
	long_head[n] = '\0';

	test_fetch_ok();
	test_fetch_eof_delimited();
	test_fetch_past_length();
	test_fetch_cap();
	test_fetch_table();
	test_fetch_refused();
	test_fetch_connect_hangs();
	test_fetch_hosts();
	test_bad_uris();

	free(task_ok);
	free(container_ok);
	free(long_head);
	return unit_done();
}
