# gongkai — two commands do everything on a fresh Debian machine:
#   make        install what is missing, build, render data/ into output/
#   make test   the whole test suite (what CI runs)
# Every install step runs only when its target is missing.

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FONT_DIR ?= /usr/local/share/fonts/gongkai-fandol
BIN := target/release/gongkai
APT_STAMP := target/.apt-updated

.PHONY: all deps fonts tools build render test lint check schema bench fuzz clean

all: deps build render

deps: fonts tools

$(APT_STAMP):
	@mkdir -p target
	$(SUDO) apt-get update -qq
	@touch $@

# 宋体/黑体/标题: Noto CJK; 楷体: LXGW WenKai; 仿宋: FandolFang, which Debian
# ships only inside texlive-lang-chinese — unpacked, not installed.
fonts:
	@command -v fc-list >/dev/null || { $(MAKE) --no-print-directory $(APT_STAMP) && $(SUDO) apt-get install -y -qq fontconfig; }
	@fc-list | grep -q "Noto Serif CJK SC" || { $(MAKE) --no-print-directory $(APT_STAMP) && $(SUDO) apt-get install -y -qq fonts-noto-cjk; }
	@fc-list | grep -qi "LXGW WenKai" || { $(MAKE) --no-print-directory $(APT_STAMP) && $(SUDO) apt-get install -y -qq fonts-lxgw-wenkai; }
	@fc-list | grep -qi "FandolFang" || { \
	  $(MAKE) --no-print-directory $(APT_STAMP) && \
	  tmp=$$(mktemp -d) && chmod a+rwx $$tmp && cd $$tmp && apt-get download texlive-lang-chinese >/dev/null && \
	  dpkg-deb -x texlive-lang-chinese_*.deb x && \
	  $(SUDO) mkdir -p $(FONT_DIR) && \
	  $(SUDO) cp $$(find x -name 'Fandol*.otf' ! -name '*Braille*') $(FONT_DIR)/ && \
	  $(SUDO) fc-cache -f $(FONT_DIR) >/dev/null && rm -rf $$tmp && echo "已安装 Fandol 字体到 $(FONT_DIR)"; }

tools:
	@command -v pdftotext >/dev/null || { $(MAKE) --no-print-directory $(APT_STAMP) && $(SUDO) apt-get install -y -qq poppler-utils; }

build:
	$(CARGO) build --release --locked

render: build
	./$(BIN) build data -o output

# The tests run against the release profile, so `make` and `make test`
# share one optimised build of the dependencies.
test: deps
	$(CARGO) test --release --locked

# Clippy with warnings as errors (CI runs it after the tests).
lint:
	@if $(CARGO) clippy --version >/dev/null 2>&1; then $(CARGO) clippy --locked --all-targets -- -D warnings; \
	else echo "cargo clippy 未安装，跳过 lint"; fi

check: build
	./$(BIN) check data

# The committed JSON Schemas of the data files (VS Code YAML extension).
schema: build
	@mkdir -p data/schema
	./$(BIN) schema unit > data/schema/单位.schema.json
	./$(BIN) schema final-accounts > data/schema/决算.schema.json
	./$(BIN) schema profile > data/schema/profile.schema.json
	./$(BIN) schema forms > data/schema/forms.schema.json
	./$(BIN) schema performance > data/schema/绩效自评.schema.json
	./$(BIN) schema evaluation-forms > data/schema/evaluation-forms.schema.json

# Speed and memory, measured on generated data: make bench N=1000
N ?= 200
JOBS ?= 2
bench: deps build
	$(CARGO) run --release --locked --example bench -- $(N) $(JOBS)

# Fuzz the loader and checker: make fuzz FUZZ_SECONDS=1800
FUZZ_SECONDS ?= 60
fuzz:
	$(CARGO) run --release --locked --example fuzz -- $(FUZZ_SECONDS)

clean:
	$(CARGO) clean
	rm -rf output/*
