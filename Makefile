# The two commands of the README. Everything else lives in scripts/ so it can be read alone.
.PHONY: run test dev lint bench bench-cases bench-drafting bench-knowledge bench-import bench-exchange bench-load bench-statistics demo-exchange messages clean

PORT ?= 8000
export PORT

run:            ## install, migrate, load reference + demo data, serve on 127.0.0.1:$(PORT)
	@scripts/run.sh

test:           ## install test tools, lint, type-check, run the suite on SQLite and PostgreSQL
	@scripts/test.sh

dev:            ## like run, but Django's auto-reloading development server with DEBUG=1
	@DEBUG=1 scripts/run.sh --dev

lint:           ## ruff format + lint, mypy, migrations check (a subset of `make test`)
	@scripts/test.sh --lint-only

bench:          ## run the benchmarks in bench/ and print a table (see docs/benchmarks.md)
	@scripts/bootstrap.sh dev && .venv/bin/python bench/run.py

bench-cases:    ## case management under load: ARGS="--size 100000 --database postgresql"
	@scripts/bootstrap.sh dev && .venv/bin/python bench/run.py cases $(ARGS)

bench-drafting: ## rendering time of a request, DOCX and PDF in six languages: ARGS="--repeat 20"
	@scripts/bootstrap.sh dev && .venv/bin/python bench/drafting.py $(ARGS)

bench-knowledge: ## knowledge-base search on a generated corpus: ARGS="--size 200000 --check"
	@scripts/bootstrap.sh dev && .venv/bin/python bench/knowledge_search.py $(ARGS)

messages:       ## re-extract translatable strings into locale/*/LC_MESSAGES/django.po
	@scripts/bootstrap.sh dev && .venv/bin/python manage.py makemessages --all --no-obsolete --no-location --ignore=.venv --ignore=var

clean:          ## remove the virtual environment and local data (asks nothing: be sure)
	rm -rf .venv var test-artifacts

bench-import:   ## UN documents as published (PDF, DOCX): layout vs raw PDFium, parse, import: ARGS="../shared/corpus/un"
	@scripts/bootstrap.sh dev && .venv/bin/python bench/knowledge_import.py $(ARGS)

demo-exchange:  ## two nodes on loopback exchange a request (50 MB annex) to execution; verifies every evidence
	@scripts/bootstrap.sh dev && .venv/bin/python scripts/demo_exchange.py $(ARGS)

bench-exchange: ## two nodes on loopback: msgs/s, raw crypto ceiling, 200 MB attachment: ARGS="--postgres URL --profile"
	@scripts/bootstrap.sh dev && .venv/bin/python bench/exchange.py $(ARGS)

bench-load:     ## 50 logged-in users against gunicorn on loopback, 3 min: ARGS="--database postgresql --duration 3m"
	@scripts/bootstrap.sh dev && .venv/bin/python bench/load.py $(ARGS)

bench-statistics: ## statistics pages at 1M requests on PostgreSQL, one authority and the hub: ARGS="--reuse"
	@scripts/bootstrap.sh dev && .venv/bin/python bench/statistics_at_scale.py $(ARGS)
