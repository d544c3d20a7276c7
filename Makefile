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

clean:
	rm -rf $(BIN)
