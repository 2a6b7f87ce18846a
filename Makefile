# falcon-container build. `make` builds the patcher, falcon-init and the
# payload; `make check` runs every test suite (see tests/run); `make example`
# patches examples/.
#
# Each C source is compiled once per flavour, into build/FLAVOUR/obj/, and
# each component's objects but its main go into an archive,
# build/FLAVOUR/libNAME.a, that its program, unit tests and fuzz targets
# link:
#   release  the shipped programs: falcon-patcher (dynamic), falcon-init and
#            the payload's falcon-launcher and falcon-sensor (static)
#   asan     ASan+UBSan: build/asan/falcon-patcher and the unit tests
#   fuzz     clang with libFuzzer: the targets in tests/fuzz
# CFLAGS, CPPFLAGS and LDFLAGS are the user's (`make CFLAGS=-O0` works) for
# the release and asan flavours (the fuzz flavour is clang's own); the flags
# the code needs are in the FC_ variables. Dependencies come from the
# compiler (-MMD -MP), so `make -j` is correct and incremental.

VERSION := 0.1.0
CC ?= cc
CLANG ?= clang
AR ?= ar
BUILD := build
CFLAGS ?= -O2 -g

WARN := -Wall -Wextra -Werror -Wshadow -Wconversion -Wformat=2 \
	-Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wvla \
	-Wundef -Wcast-qual -Wnull-dereference -Wimplicit-fallthrough
FC_CPPFLAGS := -D_GNU_SOURCE -DFC_VERSION='"$(VERSION)"'
FC_CFLAGS := -std=gnu11 $(WARN)
# _FORTIFY_SOURCE needs the user's CFLAGS to optimise (glibc warns
# without, and warnings are errors): defined only then, and only when the
# user's flags do not set it.
OPTIMISED := $(shell echo | $(CC) $(CFLAGS) -dM -E -x c - 2>/dev/null | \
	grep -q __OPTIMIZE__ && echo yes)
FORTIFY := $(if $(OPTIMISED),$(if $(findstring _FORTIFY_SOURCE,$(CPPFLAGS) $(CFLAGS)),, \
	-D_FORTIFY_SOURCE=2))
# The sanitizer flavours keep their own optimisation, after the user's.
SAN := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=fuzzer-no-link,address,undefined

# What each flavour compiles and links with.
CC_release := $(CC) $(FC_CPPFLAGS) $(FORTIFY) $(CPPFLAGS) $(FC_CFLAGS) \
	-fstack-protector-strong $(CFLAGS)
LD_release := $(CC) $(CFLAGS) $(LDFLAGS)
CC_asan := $(CC) $(FC_CPPFLAGS) $(CPPFLAGS) -U_FORTIFY_SOURCE $(FC_CFLAGS) \
	$(CFLAGS) $(SAN)
LD_asan := $(CC) $(CFLAGS) $(SAN) $(LDFLAGS)
CC_fuzz := $(CLANG) $(FC_CPPFLAGS) $(FUZZ_CFLAGS)
LD_fuzz := $(CLANG) -g -fsanitize=fuzzer,address,undefined
FLAVOURS := release asan fuzz
$(foreach f,$(FLAVOURS),$(eval FLAGS_$f := $(CC_$f) | $(LD_$f)))

# The sources of each component, in its folder and one level of subfolders.
srcs = $(sort $(wildcard $1/*.c $1/*/*.c))
incs = $(addprefix -I,$(sort $(patsubst %/,%,$(dir $(call srcs,$1)) $1)))

# Shared code, and each component's. patcher/json_doc.c (over cJSON) is
# the patcher's: the runtime programs link without cJSON, and only the
# sensor's unit tests and fuzz targets use it beside the sensor, to check
# that its output is strict JSON.
COMMON_SRCS := $(call srcs,common)
PATCHER_SRCS := $(filter-out patcher/main.c,$(call srcs,patcher))
INIT_SRCS := $(filter-out init/main.c,$(call srcs,init))
LAUNCHER_SRCS := $(filter-out launcher/main.c,$(call srcs,launcher))
SENSOR_SRCS := $(filter-out sensor-shim/main.c,$(call srcs,sensor-shim)) \
	$(BUILD)/gen/rules_builtin.c

# Each program sees only its own headers and common/'s: a runtime program
# that includes a patcher header does not compile.
COMMON_INC := -Icommon
PATCHER_INC := -Icommon $(call incs,patcher)
INIT_INC := -Icommon $(call incs,init)
LAUNCHER_INC := -Icommon $(call incs,launcher)
SENSOR_INC := -Icommon $(call incs,sensor-shim)

PATCHER_LIBS := -lcjson -lcurl -lcrypto -lyaml
SENSOR_LIBS := -lseccomp -lcap-ng -lpthread

# $(call obj,FLAVOUR,SOURCES): their objects. A generated source,
# build/gen/x.c, becomes build/FLAVOUR/obj/gen/x.o.
obj = $(patsubst %.c,$(BUILD)/$1/obj/%.o,$(patsubst $(BUILD)/%,%,$2))
lib = $(BUILD)/$1/lib$2.a

# The unit tests (tests/unit/test_*.c) link the patcher's library, but
# these: the sensor's link the sensor's (and json_doc.o, see above), and
# test_lookpath the launcher's.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
SENSOR_TESTS := test_seccomp_filter test_tracee_mem test_sensor_json \
	test_json_parse test_task_meta test_rules test_path_resolve \
	test_identity test_relay
LAUNCHER_TESTS := test_lookpath
PATCHER_TESTS := $(filter-out $(SENSOR_TESTS) $(LAUNCHER_TESTS), \
	$(patsubst tests/unit/%.c,%,$(UNIT_SRCS)))
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/asan/%,$(UNIT_SRCS))

# The fuzz targets (tests/fuzz/fuzz_*.c) likewise; the sensor's fuzz the
# parsers of what tracees and the environment hand it.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
SENSOR_FUZZ := fuzz_tracee_event fuzz_json_parse fuzz_task_meta fuzz_rules \
	fuzz_tracee_activity fuzz_proc_stat
PATCHER_FUZZ := $(filter-out $(SENSOR_FUZZ),$(patsubst tests/fuzz/%.c,%,$(FUZZ_SRCS)))
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))

.PHONY: all check lint fuzz example clean payload FORCE
all: $(BUILD)/falcon-patcher $(BUILD)/falcon-init payload

# --- Objects and archives ----------------------------------------------------

# Include paths by what an object belongs to (target-specific, so the one
# pattern rule per flavour below compiles them all).
$(foreach f,$(FLAVOURS), \
	$(eval $(call obj,$f,$(COMMON_SRCS)): INC := $(COMMON_INC)) \
	$(eval $(call obj,$f,$(PATCHER_SRCS) patcher/main.c): INC := $(PATCHER_INC)) \
	$(eval $(call obj,$f,$(INIT_SRCS) init/main.c): INC := $(INIT_INC)) \
	$(eval $(call obj,$f,$(LAUNCHER_SRCS) launcher/main.c): INC := $(LAUNCHER_INC)) \
	$(eval $(call obj,$f,$(SENSOR_SRCS) sensor-shim/main.c): INC := $(SENSOR_INC)))
$(call obj,asan,$(addprefix tests/unit/,$(addsuffix .c,$(PATCHER_TESTS)))): \
	INC := -Itests/unit $(PATCHER_INC)
$(call obj,asan,$(addprefix tests/unit/,$(addsuffix .c,$(SENSOR_TESTS)))): \
	INC := -Itests/unit $(SENSOR_INC) -Ipatcher
$(call obj,asan,$(addprefix tests/unit/,$(addsuffix .c,$(LAUNCHER_TESTS)))): \
	INC := -Itests/unit $(LAUNCHER_INC)
$(call obj,fuzz,$(addprefix tests/fuzz/,$(addsuffix .c,$(PATCHER_FUZZ)))): \
	INC := -Itests/fuzz $(PATCHER_INC)
$(call obj,fuzz,$(addprefix tests/fuzz/,$(addsuffix .c,$(SENSOR_FUZZ)))): \
	INC := -Itests/fuzz $(SENSOR_INC) -Ipatcher

define flavour_rules
$(BUILD)/$1/obj/%.o: %.c $(BUILD)/$1/flags
	@mkdir -p $$(@D)
	$$(CC_$1) $$(INC) -MMD -MP -c -o $$@ $$<

$(BUILD)/$1/obj/gen/%.o: $(BUILD)/gen/%.c $(BUILD)/$1/flags
	@mkdir -p $$(@D)
	$$(CC_$1) $$(INC) -MMD -MP -c -o $$@ $$<

$(call lib,$1,common): $(call obj,$1,$(COMMON_SRCS))
$(call lib,$1,patcher): $(call obj,$1,$(PATCHER_SRCS))
$(call lib,$1,init): $(call obj,$1,$(INIT_SRCS))
$(call lib,$1,launcher): $(call obj,$1,$(LAUNCHER_SRCS))
$(call lib,$1,sensor): $(call obj,$1,$(SENSOR_SRCS))
endef
$(foreach f,$(FLAVOURS),$(eval $(call flavour_rules,$f)))

# An archive is made anew each time, so that the object of a source taken
# out of the build does not stay in it.
$(BUILD)/%.a:
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

# A flavour's flags are kept in build/FLAVOUR/flags, which every object of
# the flavour depends on; the file is rewritten only when they change, so
# that `make CFLAGS=-O0` after `make` rebuilds (and `make -n` says so).
FLAGS_FILES := $(foreach f,$(FLAVOURS),$(BUILD)/$f/flags)
define flags_changed
ifneq ($$(strip $$(file <$(BUILD)/$1/flags)),$$(strip $$(FLAGS_$1)))
$(BUILD)/$1/flags: FORCE
endif
endef
$(foreach f,$(FLAVOURS),$(eval $(call flags_changed,$f)))
$(FLAGS_FILES): $(BUILD)/%/flags:
	@mkdir -p $(@D)
	@printf '%s\n' '$(subst ','\'',$(strip $(FLAGS_$*)))' > $@

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

# --- Release: the shipped programs --------------------------------------------

$(BUILD)/falcon-patcher: $(call obj,release,patcher/main.c) \
		$(call lib,release,patcher) $(call lib,release,common)
	$(LD_release) -o $@ $^ $(PATCHER_LIBS)

# The runtime: falcon-init (the init container's command) and the payload it
# copies to the task volume, all static so that they run in any image
# (Debian, Alpine, distroless, scratch). falcon-init writes the MANIFEST, so
# its format has one implementation (init/manifest.h).
$(BUILD)/falcon-init: $(call obj,release,init/main.c) \
		$(call lib,release,init) $(call lib,release,common)
	$(LD_release) -static -o $@ $^ -lz

$(BUILD)/payload/falcon-launcher: $(call obj,release,launcher/main.c) \
		$(call lib,release,launcher) $(call lib,release,common)
	@mkdir -p $(@D)
	$(LD_release) -static -o $@ $^

$(BUILD)/payload/falcon-sensor: $(call obj,release,sensor-shim/main.c) \
		$(call lib,release,sensor) $(call lib,release,common)
	@mkdir -p $(@D)
	$(LD_release) -static -o $@ $^ $(SENSOR_LIBS)

$(BUILD)/payload/MANIFEST: $(BUILD)/falcon-init $(BUILD)/payload/falcon-launcher \
		$(BUILD)/payload/falcon-sensor
	$(BUILD)/falcon-init --write-manifest $(BUILD)/payload

payload: $(BUILD)/payload/MANIFEST

# --- ASan+UBSan: the patcher again, and the unit tests ------------------------

# The same program under AddressSanitizer and UBSan; the golden tests run
# through it as well as through the release build.
$(BUILD)/asan/falcon-patcher: $(call obj,asan,patcher/main.c) \
		$(call lib,asan,patcher) $(call lib,asan,common)
	$(LD_asan) -o $@ $^ $(PATCHER_LIBS)

$(addprefix $(BUILD)/asan/,$(PATCHER_TESTS)): $(BUILD)/asan/%: \
		$(BUILD)/asan/obj/tests/unit/%.o \
		$(call lib,asan,patcher) $(call lib,asan,common)
	$(LD_asan) -o $@ $^ $(PATCHER_LIBS)

$(addprefix $(BUILD)/asan/,$(SENSOR_TESTS)): $(BUILD)/asan/%: \
		$(BUILD)/asan/obj/tests/unit/%.o $(call obj,asan,patcher/json_doc.c) \
		$(call lib,asan,sensor) $(call lib,asan,common)
	$(LD_asan) -o $@ $^ $(SENSOR_LIBS) -lcjson

$(addprefix $(BUILD)/asan/,$(LAUNCHER_TESTS)): $(BUILD)/asan/%: \
		$(BUILD)/asan/obj/tests/unit/%.o \
		$(call lib,asan,launcher) $(call lib,asan,common)
	$(LD_asan) -o $@ $^

# --- libFuzzer: the fuzz targets ----------------------------------------------

$(addprefix $(BUILD)/fuzz/,$(PATCHER_FUZZ)): $(BUILD)/fuzz/%: \
		$(BUILD)/fuzz/obj/tests/fuzz/%.o \
		$(call lib,fuzz,patcher) $(call lib,fuzz,common)
	$(LD_fuzz) -o $@ $^ $(PATCHER_LIBS)

$(addprefix $(BUILD)/fuzz/,$(SENSOR_FUZZ)): $(BUILD)/fuzz/%: \
		$(BUILD)/fuzz/obj/tests/fuzz/%.o $(call obj,fuzz,patcher/json_doc.c) \
		$(call lib,fuzz,sensor) $(call lib,fuzz,common)
	$(LD_fuzz) -o $@ $^ $(SENSOR_LIBS) -lcjson

fuzz: $(FUZZ_TARGETS)

check: all $(BUILD)/asan/falcon-patcher $(UNIT_TESTS) fuzz
	tests/run

# The compiler's record of what each object includes.
-include $(wildcard $(foreach f,$(FLAVOURS),$(BUILD)/$f/obj/*/*.d \
	$(BUILD)/$f/obj/*/*/*.d $(BUILD)/$f/obj/*/*/*/*.d))

# --- Lint ---------------------------------------------------------------------

RT_SOURCES := $(INIT_SRCS) init/main.c $(LAUNCHER_SRCS) launcher/main.c \
	$(filter-out $(BUILD)/%,$(SENSOR_SRCS)) sensor-shim/main.c
lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--std=c11 --inline-suppr $(PATCHER_INC) common patcher
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--std=c11 --inline-suppr -Icommon $(call incs,init) $(call incs,launcher) \
		$(call incs,sensor-shim) init launcher sensor-shim
	clang-tidy --quiet $(COMMON_SRCS) $(PATCHER_SRCS) patcher/main.c -- \
		-std=gnu11 -D_GNU_SOURCE $(PATCHER_INC)
	clang-tidy --quiet $(RT_SOURCES) -- -std=gnu11 -D_GNU_SOURCE \
		-DFC_VERSION='"$(VERSION)"' -Icommon $(call incs,init) \
		$(call incs,launcher) $(call incs,sensor-shim)

example: all
	$(BUILD)/falcon-patcher -cid 0123456789ABCDEF0123456789ABCDEF-12 \
		-image 123456789012.dkr.ecr.us-east-1.amazonaws.com/falcon-sensor/falcon-container:0.1.0 \
		-ecs-spec-file examples/taskdefinition.json -o examples/taskdefinitionwithfalcon.json
	@echo "wrote examples/taskdefinitionwithfalcon.json"

clean:
	rm -rf $(BUILD)
