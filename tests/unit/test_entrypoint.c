/* test_entrypoint.c: Docker's merge rules (moby daemon/commit.go, merge())
 * as one table covering every combination of the
 * definition's entryPoint and command (absent, [], non-empty) and the
 * image's Entrypoint and Cmd (null, non-empty). */
#include "unit.h"

#include "entrypoint.h"
#include "json_doc.h"

/* The cells of the table. ABSENT: the key is not in the definition; NONE:
 * the image config has null; EMPTY: []. */
#define ABSENT NULL
#define NONE NULL
#define EMPTY "[]"
#define DEF_EP "[\"/def-ep\",\"-x\"]"
#define DEF_CMD "[\"def-cmd\"]"
#define IMG_EP "[\"/img-ep\"]"
#define IMG_CMD "[\"img-cmd\",\"--flag\"]"

static const struct row {
	const char *entrypoint, *command;   /* the container definition */
	const char *image_ep, *image_cmd;   /* the image config */
	int need_ep, need_cmd;              /* lookups the patcher must do */
	const char *eff_ep, *eff_cmd;       /* what the container runs */
} table[] = {
	/* entryPoint command image_ep image_cmd  needs  effective ep, cmd */
	{ ABSENT, ABSENT,  NONE,   NONE,    1, 1, EMPTY,  EMPTY    },
	{ ABSENT, ABSENT,  NONE,   IMG_CMD, 1, 1, EMPTY,  IMG_CMD  },
	{ ABSENT, ABSENT,  IMG_EP, NONE,    1, 1, IMG_EP, EMPTY    },
	{ ABSENT, ABSENT,  IMG_EP, IMG_CMD, 1, 1, IMG_EP, IMG_CMD  },
	{ ABSENT, EMPTY,   NONE,   NONE,    1, 1, EMPTY,  EMPTY    },
	{ ABSENT, EMPTY,   NONE,   IMG_CMD, 1, 1, EMPTY,  IMG_CMD  },
	{ ABSENT, EMPTY,   IMG_EP, NONE,    1, 1, IMG_EP, EMPTY    },
	{ ABSENT, EMPTY,   IMG_EP, IMG_CMD, 1, 1, IMG_EP, IMG_CMD  },
	{ ABSENT, DEF_CMD, NONE,   NONE,    1, 0, EMPTY,  DEF_CMD  },
	{ ABSENT, DEF_CMD, NONE,   IMG_CMD, 1, 0, EMPTY,  DEF_CMD  },
	{ ABSENT, DEF_CMD, IMG_EP, NONE,    1, 0, IMG_EP, DEF_CMD  },
	{ ABSENT, DEF_CMD, IMG_EP, IMG_CMD, 1, 0, IMG_EP, DEF_CMD  },
	{ EMPTY,  ABSENT,  NONE,   NONE,    0, 1, EMPTY,  EMPTY    },
	{ EMPTY,  ABSENT,  NONE,   IMG_CMD, 0, 1, EMPTY,  IMG_CMD  },
	{ EMPTY,  ABSENT,  IMG_EP, NONE,    0, 1, EMPTY,  EMPTY    },
	{ EMPTY,  ABSENT,  IMG_EP, IMG_CMD, 0, 1, EMPTY,  IMG_CMD  },
	{ EMPTY,  EMPTY,   NONE,   NONE,    0, 1, EMPTY,  EMPTY    },
	{ EMPTY,  EMPTY,   NONE,   IMG_CMD, 0, 1, EMPTY,  IMG_CMD  },
	{ EMPTY,  EMPTY,   IMG_EP, NONE,    0, 1, EMPTY,  EMPTY    },
	{ EMPTY,  EMPTY,   IMG_EP, IMG_CMD, 0, 1, EMPTY,  IMG_CMD  },
	{ EMPTY,  DEF_CMD, NONE,   NONE,    0, 0, EMPTY,  DEF_CMD  },
	{ EMPTY,  DEF_CMD, NONE,   IMG_CMD, 0, 0, EMPTY,  DEF_CMD  },
	{ EMPTY,  DEF_CMD, IMG_EP, NONE,    0, 0, EMPTY,  DEF_CMD  },
	{ EMPTY,  DEF_CMD, IMG_EP, IMG_CMD, 0, 0, EMPTY,  DEF_CMD  },
	{ DEF_EP, ABSENT,  NONE,   NONE,    0, 0, DEF_EP, EMPTY    },
	{ DEF_EP, ABSENT,  NONE,   IMG_CMD, 0, 0, DEF_EP, EMPTY    },
	{ DEF_EP, ABSENT,  IMG_EP, NONE,    0, 0, DEF_EP, EMPTY    },
	{ DEF_EP, ABSENT,  IMG_EP, IMG_CMD, 0, 0, DEF_EP, EMPTY    },
	{ DEF_EP, EMPTY,   NONE,   NONE,    0, 0, DEF_EP, EMPTY    },
	{ DEF_EP, EMPTY,   NONE,   IMG_CMD, 0, 0, DEF_EP, EMPTY    },
	{ DEF_EP, EMPTY,   IMG_EP, NONE,    0, 0, DEF_EP, EMPTY    },
	{ DEF_EP, EMPTY,   IMG_EP, IMG_CMD, 0, 0, DEF_EP, EMPTY    },
	{ DEF_EP, DEF_CMD, NONE,   NONE,    0, 0, DEF_EP, DEF_CMD  },
	{ DEF_EP, DEF_CMD, NONE,   IMG_CMD, 0, 0, DEF_EP, DEF_CMD  },
	{ DEF_EP, DEF_CMD, IMG_EP, NONE,    0, 0, DEF_EP, DEF_CMD  },
	{ DEF_EP, DEF_CMD, IMG_EP, IMG_CMD, 0, 0, DEF_EP, DEF_CMD  },
};

static cJSON *parse(const char *text)
{
	struct fc_err e = { 0 };
	cJSON *v;

	if (!text)
		return NULL;
	v = json_doc_parse(text, strlen(text), "table cell", &e);
	if (!v) {
		fprintf(stderr, "bad table cell %s: %s\n", text, e.msg);
		exit(2);
	}
	return v;
}

static const char *show(const char *cell)
{
	return cell ? cell : "-";
}

static void run_row(const struct row *r)
{
	cJSON *ep = parse(r->entrypoint), *cmd = parse(r->command);
	cJSON *iep = parse(r->image_ep), *icmd = parse(r->image_cmd);
	cJSON *eff_ep = NULL, *eff_cmd = NULL;
	char what[256];

	snprintf(what, sizeof what, "entryPoint %s command %s image %s %s",
		 show(r->entrypoint), show(r->command), show(r->image_ep),
		 show(r->image_cmd));
	struct argv_needs n = entrypoint_needs(ep, cmd);

	CHECK(n.image_entrypoint == r->need_ep && n.image_cmd == r->need_cmd,
	      "needs: %s -> image ENTRYPOINT %d, CMD %d", what, r->need_ep,
	      r->need_cmd);
	/* The image's arrays are passed even when not needed: the merge must
	 * ignore them then. */
	if (CHECK(entrypoint_merge(ep, cmd, iep, icmd, &eff_ep, &eff_cmd) == 0,
		  "merge succeeds: %s", what)) {
		char *got_ep = json_doc_print(eff_ep, 0, NULL);
		char *got_cmd = json_doc_print(eff_cmd, 0, NULL);
		char label[300];

		snprintf(label, sizeof label, "effective entrypoint: %s", what);
		unit_streq(got_ep, r->eff_ep, label);
		snprintf(label, sizeof label, "effective command: %s", what);
		unit_streq(got_cmd, r->eff_cmd, label);
		/* Owned copies: the caller may change them freely. */
		CHECK(eff_ep != ep && eff_ep != iep && eff_cmd != cmd &&
		      eff_cmd != icmd, "merge returns copies: %s", what);
		free(got_ep);
		free(got_cmd);
	}
	cJSON_Delete(eff_ep);
	cJSON_Delete(eff_cmd);
	cJSON_Delete(ep);
	cJSON_Delete(cmd);
	cJSON_Delete(iep);
	cJSON_Delete(icmd);
}

int main(void)
{
	size_t n = sizeof table / sizeof *table;

	CHECK(n == 3 * 3 * 2 * 2, "the table has every combination (%zu rows)", n);
	for (size_t i = 0; i < n; i++)
		run_row(&table[i]);
	return unit_done();
}
