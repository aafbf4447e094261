# gongkai — two commands do everything on a fresh Debian machine:
#   make        install what is missing, build, render data/ into output/
#   make test   the whole test suite (what CI runs)
# Every install step runs only when its target is missing.

SHELL := /bin/bash
CARGO ?= cargo
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
FONT_DIR ?= /usr/local/share/fonts/gongkai-fandol
PREPARED_DIR ?= /usr/local/share/fonts/gongkai-prepared
PYTHON ?= python3
BIN := target/release/gongkai
APT_STAMP := target/.apt-updated

.PHONY: all deps fonts prepared-fonts tools build render test lint check schema bench fuzz clean

all: deps prepared-fonts build render

deps: fonts tools

$(APT_STAMP):
	@mkdir -p target
	$(SUDO) apt-get update -qq
	@touch $@

# 宋体/黑体/标题: Noto CJK; 仿宋 and 楷体: FandolFang and FandolKai, which
# Debian ships only inside texlive-lang-chinese — unpacked, not installed;
# LXGW WenKai is the 楷体 fallback (theme.yaml lists FandolKai first).
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

# TrueType copies of the CFF faces above ("GK Noto Serif CJK SC", …; same
# glyphs, cubic curves turned quadratic within 0.25/1000 em), which
# theme.yaml lists before the originals: typst-pdf embeds a TrueType face
# without decompiling its glyphs. About 4 minutes on 2 cores (1 GB of memory
# per core), once; not a prerequisite of `make test` (CI), which falls back
# to the originals. Remove $(PREPARED_DIR) to redo it after they change.
PREPARED_FAMILIES := "GK Noto Serif CJK SC" "GK Noto Sans CJK SC" "GK FandolFang" "GK FandolKai"
prepared-fonts: fonts
	@missing=; for f in $(PREPARED_FAMILIES); do fc-list : family | grep -qx "$$f" || missing=1; done; \
	[ -z "$$missing" ] || { \
	  $(PYTHON) -c 'import fontTools' 2>/dev/null || $(PYTHON) -m pip install -q fonttools 2>/dev/null || \
	    { $(MAKE) --no-print-directory $(APT_STAMP) && $(SUDO) apt-get install -y -qq python3-fonttools; } ; \
	  echo "正在生成字体的 TrueType 副本（约 4 分钟，只做一次）…" && \
	  tmp=$$(mktemp -d) && $(PYTHON) tools/prepare-fonts.py --out $$tmp && \
	  $(SUDO) mkdir -p $(PREPARED_DIR) && $(SUDO) cp $$tmp/*.ttf $(PREPARED_DIR)/ && \
	  $(SUDO) fc-cache -f $(PREPARED_DIR) >/dev/null && rm -rf $$tmp && echo "已安装字体副本到 $(PREPARED_DIR)"; }

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
bench: deps prepared-fonts build
	$(CARGO) run --release --locked --example bench -- $(N) $(JOBS)

# Fuzz the loader and checker: make fuzz FUZZ_SECONDS=1800
FUZZ_SECONDS ?= 60
fuzz:
	$(CARGO) run --release --locked --example fuzz -- $(FUZZ_SECONDS)

clean:
	$(CARGO) clean
	rm -rf output/*
