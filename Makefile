# Narwhal's front door. `make run` and `make test` are the two commands in the README.
#   make run        install, build, load the demo county and serve http://127.0.0.1:8080
#   make test       install, build with ASan+UBSan, run every test (unit, API, fuzz, browser)
#   make bench      build optimised and run the benchmarks (long; see docs/benchmarks.md)
#   make build      optimised build only        make asan   sanitizer build only
#   make format     clang-format in place       make tidy   clang-tidy over src/
#   make cluster    PostgreSQL primary + synchronous standby (Patroni, etcd), two app nodes
#                   and HAProxy on loopback (docs/deployment.md); make cluster-down stops it
#   make failover-test  a cluster of its own under strike load: kill -9 the primary, stop
#                   the standby; nothing acknowledged may be lost or counted twice
#   make gameday    (root) run a game day scenario (SCENARIO=game-day-2012 by default; `narwhal
#                   gameday list` names them): faults under poll watchers' strikes, judged by
#                   the checker; report.html and verdict.json in gameday-runs/ (docs/gameday.md)
#   make network-test  (root) the app node in a network namespace of its own: delay, a
#                   partition and a slow link between it and PostgreSQL; bounded answers,
#                   recovery, nothing lost or counted twice

SHELL := /bin/bash
JOBS ?= $(shell nproc)
DATA ?= var/demo
LISTEN ?= 127.0.0.1:8080
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_DIR ?= $(HOME)/.cache/ccache

WEB_DIST := $(CURDIR)/web/dist
CMAKE_COMMON := -G Ninja -DNARWHAL_WEB_DIST=$(WEB_DIST)

.PHONY: deps web build asan run demo test unit fuzz browser bench format format-check tidy clean \
	cluster cluster-deps cluster-down failover-test network-test gameday

deps:
	@scripts/install-deps.sh

web: deps
	@cd web && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent

build: web
	cmake -S . -B build/release $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release -DNARWHAL_TESTS=OFF >/dev/null
	cmake --build build/release -j $(JOBS)

asan: web
	cmake -S . -B build/asan $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Debug -DNARWHAL_SANITIZE=ON -DNARWHAL_BENCH=OFF >/dev/null
	cmake --build build/asan -j $(JOBS)

# The demo county, with its first precinct cut into kept turfs (list numbers for the
# canvassing page, the Turfs page for organizers).
demo: build
	@if [ ! -f $(DATA)/narwhal.db ]; then build/release/src/cli/narwhal demo --data $(DATA) && \
	  build/release/src/cli/narwhal turf cut --data $(DATA) --county 92 --precinct 01-01 \
	    --doors 50 --save >/dev/null && \
	  build/release/src/cli/narwhal field-book set --data $(DATA) examples/field-book.json >/dev/null && \
	  build/release/src/cli/narwhal universe save "phone bank" --data $(DATA) --county 92 >/dev/null && \
	  build/release/src/cli/narwhal list make "phone bank" --data $(DATA) >/dev/null 2>&1 && \
	  build/release/src/cli/narwhal call-list make "first calls" --list 1 --data $(DATA) >/dev/null; fi

run: demo
	@code=$$(build/release/src/cli/narwhal users reissue 1 --data $(DATA) 2>/dev/null | grep -o '"code":"[^"]*"' | cut -d'"' -f4); \
	  echo; echo "Narwhal is serving the demo county at http://$(LISTEN)/ (Ctrl-C stops it)."; \
	  echo "Log in as the demo admin with the code $$code (it works once; run 'make run' again for a new one)."; echo
	build/release/src/cli/narwhal serve --data $(DATA) --listen $(LISTEN)

test: asan
	scripts/test.sh

bench: build
	scripts/bench.sh

cluster-deps: deps
	@NARWHAL_EXTRA_PACKAGES="patroni etcd-server etcd-client haproxy" scripts/install-deps.sh

cluster: build cluster-deps
	scripts/cluster-up.sh

cluster-down:
	scripts/cluster-down.sh

failover-test: build cluster-deps
	tests/cluster/failover_test.sh

network-test: build
	tests/cluster/network_faults_test.sh

SCENARIO ?= game-day-2012
gameday: build
	build/release/src/cli/narwhal gameday run $(SCENARIO)

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

format-check:
	git ls-files '*.cc' '*.h' | xargs clang-format --dry-run --Werror

tidy: asan
	git ls-files 'src/*.cc' | xargs -P2 -n4 clang-tidy -p build/asan --quiet --extra-arg=-Wno-unknown-warning-option

clean:
	rm -rf build web/dist
