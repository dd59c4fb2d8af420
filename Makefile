# echomx — top-level build.
#
# Sources are discovered, not listed: every lib/*/*.c goes into the library,
# every program directory's *.c except main.c into that directory's archive,
# and main.c into the program. Adding a module never needs an edit here.
#
#   make            build bin/*
#   make check      install missing packages, build, run every test
#   make demo       install missing packages, build, run the end-to-end demo
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX   ?= /usr/local
DESTDIR  ?=
SYSCONFDIR ?= /etc
BUILD    ?= build
BINDIR   ?= bin
SAN      ?=

PKGS     := openssl sqlite3 libunbound ldns libcurl
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CC       ?= cc
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes
CFLAGS   ?= -O2 -g
ifeq ($(SAN),1)
CFLAGS   := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
            -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
endif
ALL_CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) $(CFLAGS) -I. -Ilib $(PKG_CFLAGS) \
              -DECHOMX_SYSCONFDIR='"$(SYSCONFDIR)"' -DECHOMX_PREFIX='"$(PREFIX)"'
ALL_LIBS := $(PKG_LIBS) -lpthread -lm

LIB_SRC  := $(sort $(wildcard lib/*/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIBA     := $(BUILD)/libechomx.a

# program directory -> binary name
PROGDIRS := smtpd cli dns-rotator responder report
bin_smtpd       := echomx-smtpd
bin_cli         := echomx
bin_dns-rotator := echomx-rotator
bin_responder   := echomx-responder
# cli links the engines it fronts
deps_cli        := responder report

dir_src  = $(filter-out $(1)/main.c,$(sort $(wildcard $(1)/*.c)))
dir_obj  = $(patsubst %.c,$(BUILD)/%.o,$(call dir_src,$(1)))
dir_a    = $(if $(call dir_src,$(1)),$(BUILD)/$(1).a)

PROGS    := $(foreach d,$(PROGDIRS),$(if $(wildcard $(d)/main.c),$(BINDIR)/$(bin_$(d))))

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TEST_ARCHIVES := $(foreach d,responder report dns-rotator smtpd,$(call dir_a,$(d)))

.PHONY: all clean check demo deps install test-unit fuzz asan
all: $(PROGS) $(UNIT_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

define dir_rules
$(BUILD)/$(1).a: $(call dir_obj,$(1))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
$(BINDIR)/$(bin_$(1)): $(BUILD)/$(1)/main.o $(call dir_a,$(1)) \
    $(foreach x,$(deps_$(1)),$(call dir_a,$(x))) $(LIBA)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(ALL_LIBS)
endef
$(foreach d,$(PROGDIRS),$(eval $(call dir_rules,$(d))))

# Unit tests link every archive so they can reach any engine module.
$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(TEST_ARCHIVES) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $< -Wl,--start-group $(TEST_ARCHIVES) $(LIBA) \
	    -Wl,--end-group $(ALL_LIBS)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# --- fuzz harnesses (clang, libFuzzer); make check replays their corpus ---
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BUILD := build/fuzz
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
fuzz:
	$(MAKE) CC=clang BUILD=$(FUZZ_BUILD)/obj BINDIR=$(FUZZ_BUILD)/bin \
	    CFLAGS='-O1 -g -fsanitize=fuzzer-no-link,address,undefined' \
	    $(FUZZ_BUILD)/obj/libechomx.a
	@for s in $(FUZZ_SRC); do \
	    n=$$(basename $$s .c); \
	    echo "clang $$n"; \
	    clang -std=c17 -D_GNU_SOURCE -g -O1 -I. -Ilib $(PKG_CFLAGS) \
	        -fsanitize=fuzzer,address,undefined -o $(FUZZ_BUILD)/$$n $$s \
	        $(FUZZ_BUILD)/obj/libechomx.a $(ALL_LIBS) || exit 1; \
	done

asan:
	$(MAKE) BUILD=build/asan BINDIR=build/asan/bin SAN=1 all

deps:
	tools/deps

check: deps
	$(MAKE) all
	tools/check

demo: deps
	$(MAKE) all
	tools/demo

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin \
	    $(DESTDIR)$(SYSCONFDIR)/echomx $(DESTDIR)$(PREFIX)/share/echomx/zones \
	    $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/doc/echomx
	install -m 755 $(BINDIR)/echomx $(DESTDIR)$(PREFIX)/bin/echomx
	for p in $(filter-out $(BINDIR)/echomx,$(PROGS)); do \
	    install -m 755 $$p $(DESTDIR)$(PREFIX)/sbin/; done
	test -e $(DESTDIR)$(SYSCONFDIR)/echomx/echomx.conf || \
	    install -m 644 conf/echomx.conf $(DESTDIR)$(SYSCONFDIR)/echomx/echomx.conf
	test -e $(DESTDIR)$(SYSCONFDIR)/echomx/scoring.conf || \
	    { test ! -f conf/scoring.conf || install -m 644 conf/scoring.conf \
	        $(DESTDIR)$(SYSCONFDIR)/echomx/scoring.conf; }
	for f in zones/*; do test ! -f "$$f" || \
	    install -m 644 "$$f" $(DESTDIR)$(PREFIX)/share/echomx/zones/; done
	for f in docs/man/*.8; do test ! -f "$$f" || \
	    install -m 644 "$$f" $(DESTDIR)$(PREFIX)/share/man/man8/; done
	install -m 644 README.md $(DESTDIR)$(PREFIX)/share/doc/echomx/
	tools/adduser "$(DESTDIR)"

clean:
	rm -rf build bin
