/* test_cfn_template.c: the pieces under -cfn-template, as tables: which
 * plain YAML scalars are strings, how the YAML writer quotes, what the JSON
 * span scanner finds, and the CloudFormation <-> ECS re-spelling with its
 * opaque tokens. */
#include "unit.h"

#include "cfn_spelling.h"
#include "json_doc.h"
#include "json_span.h"
#include "strbuf.h"
#include "yaml_doc.h"
#include "yaml_emit.h"

static void plain_scalars(void)
{
	static const struct {
		const char *s;
		int is_string;
	} table[] = {
		{ "nginx", 1 }, { "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1", 1 },
		{ "1.2.3", 1 }, { "v1", 1 }, { "1a", 1 }, { "0x", 1 }, { "--port", 1 },
		{ "AWS::Region", 1 }, { "2024-01-31 x, y", 1 },
		{ "", 0 }, { "~", 0 }, { "null", 0 }, { "NULL", 0 }, { "true", 0 },
		{ "False", 0 }, { "yes", 0 }, { "off", 0 }, { "y", 0 }, { "<<", 0 },
		{ "80", 0 }, { "-1", 0 }, { "+1.5", 0 }, { "1e5", 0 }, { ".5", 0 },
		{ "1_000", 0 }, { "0x1F", 0 }, { "0o17", 0 }, { "0b101", 0 },
		{ "1:30", 0 }, { ".inf", 0 }, { "-.Inf", 0 }, { ".NaN", 0 },
		{ "2024-01-31", 0 }, { "2024-01-31T10:00:00Z", 0 },
	};

	for (size_t i = 0; i < sizeof table / sizeof *table; i++)
		CHECK(yaml_plain_is_string(table[i].s) == table[i].is_string,
		      "plain scalar \"%s\" is %sa string", table[i].s,
		      table[i].is_string ? "" : "not ");
}

/* Each value written in block style reads back as itself. */
static void writer_round_trip(void)
{
	static const char *const values[] = {
		"\"plain\"", "\"80\"", "\"true\"", "\"\"", "\"a: b\"", "\"a #b\"",
		"\"#x\"", "\"- x\"", "\"-x\"", "\":x\"", "\"it's\"", "\"line\\nbreak\"",
		"\"tab\\there\"", "\"caf\\u00e9\"", "\"\\u2028\"", "\"\\ufeff\"",
		"\"\\u0085\"", "\"---\"", "\"a:\"", "\" lead\"", "\"trail \"",
		"\"[x]\"", "\"{x}\"", "\"x,y\"", "\"*x\"", "\"&x\"", "\"!x\"", "\"%x\"",
		"[\"a\", \"b,c\", [\"d\"], {\"K\": \"v: w\"}]", "{}", "[]",
		"{\"!Ref\": \"AWS::Region\"}", "{\"!Join\": [\"\", [\"a:b\", {\"!Ref\": \"X\"}]]}",
		"{\"K\": {\"!Sub\": \"${A}-b\"}}", "{\"K\": null, \"L\": 80}",
	};

	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		struct fc_err e = { 0 };
		cJSON *v = json_doc_parse(values[i], strlen(values[i]), "value", &e);
		cJSON *doc = cJSON_CreateObject();
		struct yaml_doc d;

		if (!CHECK(v != NULL, "table value %zu parses", i))
			continue;
		cJSON_AddItemToObject(doc, "Key", v);
		for (int flow = 0; flow < 2; flow++) {
			struct strbuf b = { 0 };
			char *text;
			size_t len;

			if (flow)
				yaml_emit_flow(&b, doc);
			else
				yaml_emit_block(&b, doc, 0, 2);
			text = strbuf_take(&b, &len);
			int ok = yaml_doc_parse(text, len, "written", &d, &e) == 0;

			if (!CHECK(ok && cJSON_Compare(d.root, doc, 1),
				   "%s reads back as itself (%s)", values[i],
				   flow ? "flow" : "block"))
				unit_diag("written: %s", text);
			if (ok)
				yaml_doc_free(&d);
			free(text);
		}
		cJSON_Delete(doc);
	}
}

static void spans(void)
{
	static const char text[] =
		"{\n  \"Resources\": {\n    \"Re\\u0073\": {\"Properties\": \"}\"},\n"
		"    \"T\": {\n      \"Type\": \"x\",\n      \"Properties\": {\"A\": [1, {\"B\": \"]\"}]}\n    }\n  }\n}\n";
	const char *path[] = { "Resources", "T", "Properties" };
	const char *escaped[] = { "Resources", "Res", "Properties" };
	const char *missing[] = { "Resources", "U", "Properties" };
	struct json_span sp;

	if (CHECK(json_span_find(text, sizeof text - 1, path, 3, &sp) == 0,
		  "json_span finds Resources.T.Properties"))
		CHECK(strncmp(text + sp.start, "{\"A\": [1, {\"B\": \"]\"}]}",
			      sp.end - sp.start) == 0 &&
		      sp.end - sp.start == 22 &&
		      strncmp(text + sp.key_line, "      \"Properties\"", 18) == 0,
		      "json_span: the whole value, brackets in strings skipped, and its key's line");
	CHECK(json_span_find(text, sizeof text - 1, escaped, 3, &sp) == 0 &&
	      text[sp.start] == '"', "json_span decodes \\u escapes in keys");
	CHECK(json_span_find(text, sizeof text - 1, missing, 3, &sp) < 0,
	      "json_span: a missing key is not found");
	CHECK(json_span_find("{\"Resources\": {\"T\"", 18, path, 3, &sp) < 0,
	      "json_span: a text that breaks off is not found");
}

static void spelling(void)
{
	static const char props[] =
		"{\"Family\": \"f\", \"ContainerDefinitions\": [{\"Name\": \"a\","
		" \"Image\": {\"Fn::Sub\": \"x\"}, \"Command\": {\"Ref\": \"C\"},"
		" \"EntryPoint\": [\"/a\", {\"Ref\": \"E\"}],"
		" \"DockerLabels\": {\"com.example/Label\": \"v\"},"
		" \"LogConfiguration\": {\"LogDriver\": \"awslogs\", \"Options\": {\"awslogs-group\": {\"Ref\": \"G\"}}}}],"
		" \"EFSVolumeConfiguration\": {\"FilesystemId\": \"fs\"}}";
	struct fc_err e = { 0 };
	struct cfn_opaque op = { 0 };
	cJSON *in = json_doc_parse(props, sizeof props - 1, "props", &e);
	cJSON *ecs = in ? cfn_to_ecs(in, &op, "resource T: ", &e) : NULL;
	cJSON *back = ecs ? cfn_from_ecs(ecs, &op) : NULL;
	const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItem(ecs, "containerDefinitions"), 0);
	const cJSON *cmd = cJSON_GetObjectItem(c, "command");

	CHECK(c && cJSON_IsString(cJSON_GetObjectItem(c, "image")),
	      "an intrinsic Image is a string token for the engine");
	CHECK(cJSON_GetArraySize(cmd) == 1 && cJSON_IsString(cmd->child),
	      "a whole-list Command is a one-item list for the engine");
	CHECK(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "dockerLabels"), "com.example/Label") != NULL,
	      "DockerLabels keys keep their spelling");
	CHECK(cJSON_GetObjectItem(ecs, "eFSVolumeConfiguration") != NULL,
	      "other properties get a small first letter");
	CHECK(back && cJSON_Compare(in, back, 1), "spelled back, the properties are as they were");
	cJSON_Delete(back);
	cJSON_Delete(ecs);
	cfn_opaque_free(&op);

	static const char lower[] = "{\"ContainerDefinitions\": [{\"name\": \"a\"}]}";
	cJSON *bad = json_doc_parse(lower, sizeof lower - 1, "props", &e);

	CHECK(bad && !cfn_to_ecs(bad, &op, "resource T: ", &e) && e.kind == FC_ERR_INPUT &&
	      strstr(e.msg, "\"name\""), "a property with a small first letter is refused");
	cJSON_Delete(bad);
	cfn_opaque_free(&op);
	cJSON_Delete(in);
}

int main(void)
{
	plain_scalars();
	writer_round_trip();
	spans();
	spelling();
	return unit_done();
}
