# ptdang: the human interface. `make` alone lists the targets.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/ptdang
# apt-get needs root; a developer who is not root gets sudo.
SUDO  := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.DEFAULT_GOAL := help

## help: list the targets
.PHONY: help
help:
	@awk '/^## / { sub(/^## /, ""); n = index($$0, ": "); printf "%-9s %s\n", substr($$0, 1, n - 1), substr($$0, n + 2) }' $(MAKEFILE_LIST)

## run: serve http://localhost:8080 with demo data (a private PostgreSQL in ./.data/pg unless DATABASE_URL is set)
.PHONY: run
run: build
	@set -e; \
	if [ -z "$$DATABASE_URL" ]; then \
		$(MAKE) --no-print-directory postgresql; \
		DATABASE_URL=$$($(BIN) localdb start); export DATABASE_URL; \
		DATABASE_MIGRATE_URL=$$($(BIN) localdb -owner url); export DATABASE_MIGRATE_URL; \
		echo "PostgreSQL: $$DATABASE_URL, migrated as $$DATABASE_MIGRATE_URL (make stop stops it)"; \
	fi; \
	$(BIN) migrate up; \
	$(BIN) demo; \
	echo "Mở http://localhost:8080"; \
	exec $(BIN) serve

## stop: stop the private PostgreSQL cluster of make run
.PHONY: stop
stop: build
	@$(BIN) localdb stop

## test: install what is missing, check generated code, vet (staticcheck too), run every test (browser tests too) with -race
.PHONY: test
test: postgresql chromium generate-check vet
	$(GO) test -race -count=1 ./...

## build: build bin/ptdang
.PHONY: build
build:
	$(GO) build -o $(BIN) ./cmd/ptdang

## generate: regenerate the templ components (*_templ.go, committed)
.PHONY: generate
generate:
	$(GO) tool templ generate

# generate-check fails when generating changes any *_templ.go: the committed files are stale.
.PHONY: generate-check
generate-check:
	@before=$$(find . -name '*_templ.go' -not -path './.data/*' | sort | xargs -r sha256sum); \
	$(GO) tool templ generate >/dev/null; \
	after=$$(find . -name '*_templ.go' -not -path './.data/*' | sort | xargs -r sha256sum); \
	if [ "$$before" != "$$after" ]; then \
		echo "generated templ files were stale: commit the regenerated *_templ.go"; exit 1; \
	fi

## vet: go vet, staticcheck and gofmt
.PHONY: vet
vet:
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	@unformatted=$$(gofmt -l cmd internal migrations web); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi

## bench: run the benchmarks on a generated province (PTDANG_BENCH_SCALE=national for the nation; docs/performance.md)
.PHONY: bench
bench: postgresql
	$(GO) test -run '^$$' -bench . -benchmem ./...

## load: serve a generated data set on loopback and drive it with wrk and vegeta (SCALE=national; docs/performance.md)
.PHONY: load
load:
	.ci/load

# postgresql and chromium install the system packages the tests and make run need, once.
.PHONY: postgresql
postgresql:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || $(call apt_install,postgresql)

.PHONY: chromium
chromium:
	@command -v chromium >/dev/null 2>&1 || $(call apt_install,chromium)

define apt_install
	{ echo "Installing $(1) with apt-get…"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; }
endef
