/* test_ecs_reply.c: ECS replies as tables (error codes and messages, the
 * ARN, family pages) and the comparison that makes live mode idempotent:
 * what ECS adds on register (cpu 0, essential true, empty lists) is not a
 * change, anything else is. */
#include "unit.h"

#include "ecs_reply.h"
#include "json_doc.h"
#include "taskdef_equal.h"

static void test_error(void)
{
	static const struct {
		const char *body, *code, *msg;
	} cases[] = {
		{ "{\"__type\":\"ClientException\",\"message\":\"Unable to describe task definition.\"}",
		  "ClientException", "Unable to describe task definition." },
		{ "{\"__type\":\"com.amazon.coral.service#UnrecognizedClientException\",\"Message\":\"bad\"}",
		  "UnrecognizedClientException", "bad" },
		{ "{\"__type\":\"X:http://internal\",\"message\":\"a\\nb\"}", "X", "a?b" },
		{ "<html>503</html>", "", "" },
		{ "", "", "" },
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char code[64], msg[64];

		ecs_reply_error(cases[i].body, strlen(cases[i].body), code, sizeof code,
				msg, sizeof msg);
		CHECK(strcmp(code, cases[i].code) == 0 && strcmp(msg, cases[i].msg) == 0,
		      "error %zu: code \"%s\" message \"%s\"", i, code, msg);
	}
	CHECK(ecs_reply_throttled("ThrottlingException") && !ecs_reply_throttled("ClientException"),
	      "throttling codes are told apart");
}

static void test_arn_and_families(void)
{
	char arn[ECS_ARN_MAX];
	struct fc_err e = { 0 };
	const char *good = "{\"taskDefinition\":{\"taskDefinitionArn\":"
			   "\"arn:aws:ecs:us-east-1:1:task-definition/web:3\"}}";
	const char *bad = "{\"taskDefinition\":{\"taskDefinitionArn\":\"web 3\"}}";

	CHECK(ecs_reply_arn(good, strlen(good), arn, sizeof arn, &e) == 0 &&
	      strcmp(arn, "arn:aws:ecs:us-east-1:1:task-definition/web:3") == 0, "arn read");
	CHECK(ecs_reply_arn(bad, strlen(bad), arn, sizeof arn, &e) < 0 &&
	      e.kind == FC_ERR_LOOKUP && arn[0] == '\0', "a non-ARN is refused: %s", e.msg);

	struct ecs_families f = { 0 };
	const char *p1 = "{\"families\":[\"a\",\"b\"],\"nextToken\":\"t1\"}";
	const char *p2 = "{\"families\":[\"c\"]}";
	const char *p3 = "{\"families\":[\"d\",\"e\"]}";

	CHECK(ecs_reply_families(p1, strlen(p1), &f, 3, &e) == 0 && f.n == 2 &&
	      f.next_token && strcmp(f.next_token, "t1") == 0, "families page 1");
	CHECK(ecs_reply_families(p2, strlen(p2), &f, 3, &e) == 0 && f.n == 3 &&
	      !f.next_token && strcmp(f.name[2], "c") == 0, "families page 2, the last");
	CHECK(ecs_reply_families(p3, strlen(p3), &f, 3, &e) < 0 && e.kind == FC_ERR_INPUT &&
	      strstr(e.msg, "longer -ecs-family-prefix"), "past the limit: %s", e.msg);
	ecs_families_free(&f);
	const char *p4 = "{\"families\":[\"a\",7]}";

	CHECK(ecs_reply_families(p4, strlen(p4), &f, 3, &e) < 0 && e.kind == FC_ERR_LOOKUP,
	      "a page with a non-string is refused: %s", e.msg);
	ecs_families_free(&f);
}

static const struct eq_case {
	const char *a, *b;
	int same;
} eq_cases[] = {
	{ "{\"family\":\"w\",\"containerDefinitions\":[{\"name\":\"a\",\"image\":\"i\"}]}",
	  "{\"containerDefinitions\":[{\"name\":\"a\",\"cpu\":0,\"portMappings\":[],\"essential\":true,"
	  "\"image\":\"i\",\"mountPoints\":[],\"volumesFrom\":[]}],\"family\":\"w\",\"volumes\":[],"
	  "\"placementConstraints\":[]}", 1 },
	{ "{\"containerDefinitions\":[{\"name\":\"a\",\"cpu\":0}]}",
	  "{\"containerDefinitions\":[{\"name\":\"a\",\"cpu\":10}]}", 0 },
	{ "{\"containerDefinitions\":[{\"name\":\"a\",\"essential\":false}]}",
	  "{\"containerDefinitions\":[{\"name\":\"a\"}]}", 0 },
	{ "{\"cpu\":\"256\",\"containerDefinitions\":[]}", "{\"containerDefinitions\":[]}", 0 },
	{ "{\"c\":[\"x\",\"y\"]}", "{\"c\":[\"y\",\"x\"]}", 0 },
	{ "{\"tags\":[{\"key\":\"k\",\"value\":\"v\"}]}", "{}", 0 },
	{ "{\"a\":{\"b\":[]}}", "{}", 1 },
	{ "{\"memory\":\"512\"}", "{\"memory\":\"1024\"}", 0 },
};

static void test_equal(void)
{
	for (size_t i = 0; i < sizeof eq_cases / sizeof *eq_cases; i++) {
		struct fc_err e = { 0 };
		cJSON *a = json_doc_parse(eq_cases[i].a, strlen(eq_cases[i].a), "a", &e);
		cJSON *b = json_doc_parse(eq_cases[i].b, strlen(eq_cases[i].b), "b", &e);

		CHECK(a && b && taskdef_equal(a, b) == eq_cases[i].same &&
		      taskdef_equal(b, a) == eq_cases[i].same,
		      "equal %zu: %s", i, eq_cases[i].same ? "same" : "differs");
		cJSON_Delete(a);
		cJSON_Delete(b);
	}
}

int main(void)
{
	test_error();
	test_arn_and_families();
	test_equal();
	return unit_done();
}
