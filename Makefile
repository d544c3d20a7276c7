# gansible: build, test, demo and benchmark.
GO       ?= go
BIN      := bin
GANSIBLE := $(BIN)/gansible
CLUSTER  := $(BIN)/gansible-testcluster

.PHONY: build test unit fuzz fuzz-short e2e record record-hosts demo bench bench-latency bench-sim bench-scale clean

# How long each fuzzer runs in make fuzz, and in the short run of make test
# (a count of inputs: no deadline for Go's coordinator to race, see
# scripts/fuzz.sh).
FUZZTIME       ?= 1m
FUZZTIME_SHORT ?= 20000x
# The end-to-end suites that run gansible on several hosts at once run
# under the race detector: GOFLAGS reaches the go build of gansible inside
# them, so the binary under test is race-checked too (it exits 66 and the
# test fails on a data race). The other suites drive one host at a time;
# their concurrency is in the unit tests, which all run with -race.
# Measured on 2 shared cores: the playbooks suite takes 230 s plain and
# 360 s with the race detector; e2e's TestSite and TestLimitSlaves, most
# of that suite's time, stay within the noise (570 s and 460 s): the time
# goes to ansible-playbook and the hosts, not to gansible.
RACE_E2E := ./e2e/... ./playbooks/...

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(GANSIBLE) ./cmd/gansible
	CGO_ENABLED=0 $(GO) build -trimpath -o $(CLUSTER) ./cmd/gansible-testcluster

# Everything CI runs: formatting, vet, unit tests with the race detector,
# a short run of every fuzzer, then the differential and end-to-end suites
# (GANSIBLE_E2E=1) against ansible-playbook and the local SSH test cluster.
test: unit fuzz-short e2e

unit:
	@# third_party/ keeps its upstream formatting, so that its patches stay readable.
	@test -z "$$(gofmt -l $$(git ls-files '*.go' ':!third_party'))" || { gofmt -l $$(git ls-files '*.go' ':!third_party'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) test -race ./...

# Every fuzz test for FUZZTIME, one after the other (see scripts/fuzz.sh).
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) bash scripts/fuzz.sh

fuzz-short:
	$(MAKE) fuzz FUZZTIME=$(FUZZTIME_SHORT)

e2e: build
	GANSIBLE_E2E=1 GOFLAGS=-race $(GO) test -count=1 -timeout 60m $(RACE_E2E)
	GANSIBLE_E2E=1 $(GO) test -count=1 -timeout 60m $$($(GO) list ./... | grep -v -e '/e2e$$' -e '/playbooks$$')

# Runs ansible-playbook on every differential case (CASE=name: that one,
# CASE='a|b': those) and rewrites what it did under
# difftest/testdata/recorded, which plain go test replays gansible
# against; and rewrites the want sections of the output cases
# (runner/testdata/output) the same way. Commit the result.
record:
	$(GO) test -count=1 -timeout 60m -run 'TestRecord$(if $(CASE),//^($(CASE))$$)' ./difftest/ -record
	$(GO) test -count=1 -timeout 60m -run 'TestOutputCasesAreAnsibles$(if $(CASE),/^($(CASE))$$)' ./runner/ -record

# Runs ansible-playbook on every host differential case (CASE=name: that
# one, CASE='a|b': those) on fresh hosts of a test cluster with Python and
# rewrites hostdiff/testdata/recorded, which the e2e suite replays
# gansible against on hosts without Python. Needs root. Commit the result.
record-hosts:
	$(GO) test -count=1 -timeout 60m -run '^TestRecord$$' ./hostdiff/ -record $(if $(CASE),-case '$(CASE)')

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

# The Mesos playbook on 6 hosts through latency proxies adding 0, 25 and
# 100 ms of round-trip time (BENCH_RTTS), both tools, BENCH_RUNS runs each
# (default 3): wall time, and wall time / RTT per task of a host.
BENCH_RTTS ?= 0 25 100
bench-latency: build
	@set -e; for rtt in $(BENCH_RTTS); do \
		GANSIBLE=$(GANSIBLE) TESTCLUSTER=$(CLUSTER) BENCH_SIZES=6 BENCH_RTT=$$rtt BENCH_RUNS=$${BENCH_RUNS:-3} scripts/bench.sh; \
	done

# The controller alone on simulated hosts (ansible_connection=gansible_sim)
# at SIM_SIZES hosts (default 1000 10000): wall time, CPU per host-task,
# peak RSS and RSS per host (scripts/bench-sim.sh says more).
bench-sim: build
	GANSIBLE=$(GANSIBLE) scripts/bench-sim.sh

# Many real hosts: a short idempotent playbook on test clusters of 6, 30,
# 100 and 300 hosts (SCALE_SIZES) with gansible and of 6, 30 and 100
# (SCALE_ANSIBLE_SIZES) with ansible-playbook, forks = hosts; writes
# bench/scale.csv and bench/scale.svg (scripts/bench-scale.sh says more).
bench-scale: build
	GANSIBLE=$(GANSIBLE) TESTCLUSTER=$(CLUSTER) scripts/bench-scale.sh

clean:
	rm -rf $(BIN)
