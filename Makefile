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

COMMON := common/err.c common/json_doc.c common/slurp.c common/atomic_write.c
PATCHER_LIB := $(COMMON) patcher/options.c patcher/taskdef.c \
	patcher/entrypoint.c patcher/plan.c patcher/inject.c \
	patcher/init_container.c patcher/patch.c patcher/image_config.c
PATCHER := $(PATCHER_LIB) patcher/main.c
HEADERS := $(wildcard common/*.h patcher/*.h)
UNIT_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/asan/%,$(wildcard tests/unit/test_*.c))

.PHONY: all check lint fuzz example clean
all: $(BUILD)/falcon-patcher

$(BUILD)/falcon-patcher: $(PATCHER) $(HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(PATCHER) -lcjson

# The same program under AddressSanitizer and UBSan; the golden tests run
# through it as well as through the release build.
$(BUILD)/asan/falcon-patcher: $(PATCHER) $(HEADERS) Makefile
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -U_FORTIFY_SOURCE -o $@ $(PATCHER) -lcjson

$(BUILD)/asan/test_%: tests/unit/test_%.c tests/unit/unit.h $(PATCHER_LIB) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(SAN) -U_FORTIFY_SOURCE -Itests/unit -o $@ $< $(PATCHER_LIB) -lcjson

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(PATCHER_LIB) $(HEADERS)
	@mkdir -p $(@D)
	$(CLANG) -std=gnu11 -D_GNU_SOURCE -g -O1 -Icommon -Ipatcher \
		-fsanitize=fuzzer,address,undefined -o $@ $< $(PATCHER_LIB) -lcjson

fuzz: $(patsubst tests/fuzz/fuzz_%.c,$(BUILD)/fuzz/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))

check: all $(BUILD)/asan/falcon-patcher $(UNIT_TESTS) fuzz
	tests/run

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
		--std=c11 --inline-suppr -Icommon -Ipatcher common patcher
	clang-tidy --quiet $(COMMON) $(PATCHER) -- -std=gnu11 -D_GNU_SOURCE -Icommon -Ipatcher

example: all
	$(BUILD)/falcon-patcher -cid 0123456789ABCDEF0123456789ABCDEF-12 \
		-image 123456789012.dkr.ecr.us-east-1.amazonaws.com/falcon-sensor/falcon-container:0.1.0 \
		-ecs-spec-file examples/taskdefinition.json -o examples/taskdefinitionwithfalcon.json
	@echo "wrote examples/taskdefinitionwithfalcon.json"

clean:
	rm -rf $(BUILD)
