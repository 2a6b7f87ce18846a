# falcon-container build. `make` builds the patcher; `make check` runs every
# test suite (see tests/run); `make example` patches examples/.

VERSION := 0.1.0
CC ?= cc
CLANG ?= clang
BUILD := build

WARN := -Wall -Wextra -Werror -Wshadow -Wconversion -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wvla \
	-Wundef -Wcast-qual -Wnull-dereference -Wimplicit-fallthrough
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -D_GNU_SOURCE $(WARN) -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
	-DFC_VERSION='"$(VERSION)"' -Icommon -Ipatcher
SAN := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

COMMON := common/err.c common/strbuf.c common/slurp.c \
	common/atomic_write.c \
	common/log.c common/strv_json.c common/utf8.c common/shell_words.c common/falconctl_opts.c
PATCHER_LIB := $(COMMON) patcher/json_doc.c patcher/options.c patcher/taskdef.c \
	patcher/entrypoint.c patcher/plan.c patcher/inject.c \
	patcher/init_container.c patcher/patch.c patcher/image_config.c \
	patcher/base64.c patcher/digest.c patcher/image_ref.c \
	patcher/docker_config.c patcher/cred_helper.c patcher/credentials.c \
	patcher/auth_challenge.c patcher/http_client.c patcher/registry_reply.c \
	patcher/registry.c
# Live mode: the definitions come from the ECS API (README "Live patching").
PATCHER_LIB += patcher/aws_ini.c patcher/aws_creds.c patcher/ecs_reply.c \
	patcher/ecs_api.c patcher/taskdef_equal.c patcher/live.c
# Task definitions inside CloudFormation templates and container arrays.
PATCHER_LIB += patcher/yaml_doc.c patcher/yaml_emit.c patcher/json_span.c \
	patcher/cfn_spelling.c patcher/cfn_template.c patcher/taskdef_patch.c \
	patcher/container_defs.c
PATCHER := $(PATCHER_LIB) patcher/main.c
HEADERS := $(wildcard common/*.h patcher/*.h)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/asan/%,$(wildcard tests/unit/test_*.c))

.PHONY: all check lint fuzz example clean payload
all: $(BUILD)/falcon-patcher $(BUILD)/falcon-init payload

$(BUILD)/falcon-patcher: $(PATCHER) $(HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(PATCHER) -lcjson -lcurl -lyaml -lcrypto

# The runtime: falcon-init (the init container's command) and the payload it
# copies to the task volume, all static so that they run in any image
# (Debian, Alpine, distroless, scratch). falcon-init writes the MANIFEST, so
# its format has one implementation (init/manifest.h).
RT_COMMON := common/err.c common/log.c
INIT := $(RT_COMMON) common/atomic_write.c init/main.c init/install.c \
	init/manifest.c init/remove_tree.c
LAUNCHER := $(RT_COMMON) common/strv_json.c common/utf8.c common/shell_words.c \
	common/falconctl_opts.c launcher/main.c launcher/app_argv.c \
	launcher/lookpath.c launcher/sensor_start.c
# The sensor less main.c, for its unit tests and fuzz targets too.
SENSOR_LIB := $(RT_COMMON) common/falconctl_opts.c sensor-shim/signals.c \
	sensor-shim/spawn.c sensor-shim/sigforward.c sensor-shim/protect.c \
	sensor-shim/trace_spec.c sensor-shim/spec_rules.c \
	sensor-shim/seccomp_filter.c sensor-shim/tracer.c sensor-shim/regs_arch.c \
	sensor-shim/tracee_mem.c sensor-shim/syscall_decode.c sensor-shim/procfs.c \
	sensor-shim/proc_table.c sensor-shim/verdict.c sensor-shim/json_out.c \
	sensor-shim/ocsf.c sensor-shim/sink.c sensor-shim/json_parse.c \
	sensor-shim/http_get.c sensor-shim/task_meta.c sensor-shim/activity.c sensor-shim/rules_load.c \
	sensor-shim/rules_match.c sensor-shim/rules_spec.c sensor-shim/path_resolve.c \
	sensor-shim/identity.c sensor-shim/guard.c sensor-shim/observe.c sensor-shim/ocsf_activity.c \
	sensor-shim/ocsf_finding.c sensor-shim/policy.c sensor-shim/kill_all.c \
	sensor-shim/relay.c sensor-shim/entrants.c sensor-shim/filter_inject.c \
	sensor-shim/status.c \
	common/slurp.c common/strbuf.c common/utf8.c $(BUILD)/gen/rules_builtin.c
SENSOR := $(SENSOR_LIB) sensor-shim/main.c
SENSOR_LIBS := -lseccomp -lcap-ng -lpthread
RT_HEADERS := $(HEADERS) $(wildcard init/*.h launcher/*.h sensor-shim/*.h)

# The built-in rules are a rules file like any other (RULES.md), compiled
# in as a C string so that the static sensor needs no file beside it.
$(BUILD)/gen/rules_builtin.c: sensor-shim/rules_builtin.json Makefile
	@mkdir -p $(@D)
	{ echo '/* Generated from sensor-shim/rules_builtin.json: do not edit. */'; \
	  echo '#include <stddef.h>'; \
	  echo 'extern const char rules_builtin_json[];'; \
	  echo 'extern const size_t rules_builtin_json_len;'; \
	  echo 'const char rules_builtin_json[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo ';'; \
	  echo 'const size_t rules_builtin_json_len = sizeof rules_builtin_json - 1;'; \
	} > $@.tmp && mv $@.tmp $@

$(BUILD)/falcon-init: $(INIT) $(RT_HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Iinit -static -o $@ $(INIT) -lz

$(BUILD)/payload/falcon-launcher: $(LAUNCHER) $(RT_HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilauncher -static -o $@ $(LAUNCHER)

$(BUILD)/payload/falcon-sensor: $(SENSOR) $(RT_HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Isensor-shim -static -o $@ $(SENSOR) $(SENSOR_LIBS)

$(BUILD)/payload/MANIFEST: $(BUILD)/falcon-init $(BUILD)/payload/falcon-launcher \
		$(BUILD)/payload/falcon-sensor
	$(BUILD)/falcon-init --write-manifest $(BUILD)/payload

payload: $(BUILD)/payload/MANIFEST

$(BUILD)/asan/test_lookpath: tests/unit/test_lookpath.c tests/unit/unit.h \
		launcher/lookpath.c launcher/lookpath.h common/err.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -U_FORTIFY_SOURCE -Itests/unit -Ilauncher -o $@ $< \
		launcher/lookpath.c common/err.c

# The sensor's unit tests link the sensor's own files (and the patcher's
# json_doc.c, to check that what the sensor writes is strict JSON).
SENSOR_TESTS := $(addprefix $(BUILD)/asan/,test_seccomp_filter test_tracee_mem \
	test_sensor_json test_json_parse test_task_meta test_rules test_path_resolve \
	test_identity test_relay)
$(SENSOR_TESTS): $(BUILD)/asan/test_%: tests/unit/test_%.c tests/unit/unit.h \
		tests/unit/bpf_sim.h $(SENSOR_LIB) \
		patcher/json_doc.c $(RT_HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -U_FORTIFY_SOURCE -Itests/unit -Isensor-shim -o $@ $< \
		$(SENSOR_LIB) patcher/json_doc.c $(SENSOR_LIBS) -lcjson

# The sensor's fuzz targets: the parsers of what tracees and the
# environment hand it.
SENSOR_FUZZ := $(addprefix $(BUILD)/fuzz/,fuzz_tracee_event fuzz_json_parse \
	fuzz_task_meta fuzz_rules fuzz_tracee_activity fuzz_proc_stat)
$(SENSOR_FUZZ): $(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(SENSOR_LIB) \
		patcher/json_doc.c $(RT_HEADERS)
	@mkdir -p $(@D)
	$(CLANG) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -Icommon -Ipatcher -Isensor-shim \
		-fsanitize=fuzzer,address,undefined -o $@ $< $(SENSOR_LIB) patcher/json_doc.c \
		$(SENSOR_LIBS) -lcjson

# The same program under AddressSanitizer and UBSan; the golden tests run
# through it as well as through the release build.
$(BUILD)/asan/falcon-patcher: $(PATCHER) $(HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -U_FORTIFY_SOURCE -o $@ $(PATCHER) -lcjson -lcurl -lyaml -lcrypto

$(BUILD)/asan/test_%: tests/unit/test_%.c tests/unit/unit.h $(PATCHER_LIB) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -U_FORTIFY_SOURCE -Itests/unit -o $@ $< $(PATCHER_LIB) -lcjson -lcurl -lyaml -lcrypto

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(PATCHER_LIB) $(HEADERS)
	@mkdir -p $(@D)
	$(CLANG) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -g -O1 -Icommon -Ipatcher \
		-fsanitize=fuzzer,address,undefined -o $@ $< $(PATCHER_LIB) -lcjson -lcurl -lyaml -lcrypto

fuzz: $(patsubst tests/fuzz/fuzz_%.c,$(BUILD)/fuzz/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))

check: all $(BUILD)/asan/falcon-patcher $(UNIT_TESTS) fuzz
	tests/run

RT_SOURCES := $(wildcard init/*.c launcher/*.c sensor-shim/*.c)
lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--std=c11 --inline-suppr -Icommon -Ipatcher common patcher
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--std=c11 --inline-suppr -Icommon -Iinit -Ilauncher -Isensor-shim \
		init launcher sensor-shim
	clang-tidy --quiet $(COMMON) $(PATCHER) -- -std=gnu11 -D_GNU_SOURCE -Icommon -Ipatcher
	clang-tidy --quiet $(RT_SOURCES) -- -std=gnu11 -D_GNU_SOURCE \
		-DFC_VERSION='"$(VERSION)"' -Icommon -Iinit -Ilauncher -Isensor-shim

example: all
	$(BUILD)/falcon-patcher -cid 0123456789ABCDEF0123456789ABCDEF-12 \
		-image 123456789012.dkr.ecr.us-east-1.amazonaws.com/falcon-sensor/falcon-container:0.1.0 \
		-ecs-spec-file examples/taskdefinition.json -o examples/taskdefinitionwithfalcon.json
	@echo "wrote examples/taskdefinitionwithfalcon.json"

clean:
	rm -rf $(BUILD)
