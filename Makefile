# gansible: build, test, demo and benchmark.
GO       ?= go
BIN      := bin
GANSIBLE := $(BIN)/gansible
CLUSTER  := $(BIN)/gansible-testcluster

.PHONY: build test unit e2e demo bench clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(GANSIBLE) ./cmd/gansible
	CGO_ENABLED=0 $(GO) build -trimpath -o $(CLUSTER) ./cmd/gansible-testcluster

# Everything CI runs: formatting, vet, unit tests, then the differential and
# end-to-end suites (GANSIBLE_E2E=1) against ansible-playbook and the local
# SSH test cluster.
test: unit e2e

unit:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) test ./...

e2e: build
	GANSIBLE_E2E=1 $(GO) test -count=1 -timeout 60m ./...

# The bundled Mesos + ZooKeeper playbook on a local cluster of six SSH hosts
# without Python: recap, what landed on each host, a second (idempotent)
# run, teardown.
demo: build
	GANSIBLE=$(GANSIBLE) TESTCLUSTER=$(CLUSTER) scripts/demo.sh

# gansible against ansible-playbook on the unmodified mesos-ansible repo, at
# 6 and 30 hosts: median wall time, control-side CPU time and peak RSS.
# BENCH_RUNS and BENCH_RUNS_LARGE set the number of runs per tool.
bench: build
	GANSIBLE=$(GANSIBLE) TESTCLUSTER=$(CLUSTER) scripts/bench.sh

clean:
	rm -rf $(BIN)
