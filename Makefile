# Magnetic Factors bot. `make help` lists the targets; `make run` and `make test` do all setup themselves.
SHELL := /bin/bash
PY := .venv/bin/python
RASA := .venv/bin/rasa
MODEL := models/mfbot.tar.gz
TRAINING_INPUTS := config.yml domain.yml $(shell find bot/data \( -name '*.yml' -o -type d \) 2>/dev/null)  # folders too: a removed file retrains
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 3
export PYTHONHASHSEED := 0

.DEFAULT_GOAL := help
.PHONY: stop-prod prod-secrets load-test security-check
.PHONY: eval-nlu eval-facts format
.PHONY: bench-staff bench-activity bench-alignment
.PHONY: help setup setup-test system-deps venv node migrate train run shell sms telegram-poll test test-fast validate lint bench run-prod lock clean test-web test-staff demo-data

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

system-deps: ## Install the Debian packages the bot needs to run
	@bash scripts/system-deps.sh run

venv: ## Create .venv (Python 3.10) and install requirements.lock (runtime packages)
	@bash scripts/python-env.sh run

venv-dev: ## Add the test and lint tools (requirements-dev.lock) to .venv
	@bash scripts/python-env.sh dev

node: ## Install front-end and test packages from package-lock.json
	@if [ -f package-lock.json ]; then bash scripts/node-deps.sh; fi

setup: system-deps venv migrate ## Everything `make run` needs

setup-test: setup venv-dev ## Everything `make test` needs (adds test tools, Chromium, PostgreSQL, Redis, nginx, npm test tools)
	@bash scripts/system-deps.sh test
	@$(MAKE) --no-print-directory node

migrate: venv ## Create or upgrade the database (DATABASE_URL, default var/bot.sqlite3)
	@$(PY) -m bot db upgrade

demo-data: migrate ## Seed a demo site (fake work seekers and employers who agreed to matching, and a Case Manager and an EES to sign in as)
	@$(PY) -m bot demo-data

train: $(MODEL) ## Train the Rasa model when its data changed

$(MODEL): $(TRAINING_INPUTS) | venv
	$(RASA) train --config config.yml --domain domain.yml --data bot/data --out models --fixed-model-name mfbot --quiet
	@touch $@

run: setup train ## Start the bot under supervisord: Rasa (5005), action server (5055), web app (8000); Ctrl-C stops it
	@bash scripts/run.sh

shell: venv ## Chat with the running bot in this terminal
	@$(PY) -m bot chat

sms: venv train ## Try the bot by SMS in this terminal (starts a private bot and a local Twilio simulator)
	@$(PY) -m bot sms

telegram-poll: venv ## Feed Telegram messages to the running bot by long polling (local use; needs TELEGRAM_* settings)
	@$(PY) -m bot telegram poll

validate: venv ## Check the Rasa training data and the activity content
	$(PY) -m bot content check
	$(RASA) data validate --config config.yml --domain domain.yml --data bot/data --fail-on-warnings

eval-nlu: venv train ## Interpretation figures: train, dev and held-out test splits side by side (issue 10 targets), then ratings read from words
	@$(PY) -m tests.nlu.evaluate 2>/dev/null; status=$$?; $(PY) -m tests.nlu.rating_eval; exit $$status

lint: venv-dev ## Lint the code (ruff) and type-check every module under bot/ (mypy)
	.venv/bin/ruff check bot tests bench
	.venv/bin/ruff format --check bot tests bench
	.venv/bin/mypy

format: venv-dev ## Format the code (ruff format) and apply the safe lint fixes
	.venv/bin/ruff format bot tests bench
	.venv/bin/ruff check --fix bot tests bench

test: setup-test train ## Run every test (unit, content, Rasa data and conversation tests, end to end, browser)
	@bash scripts/test.sh

test-fast: venv-dev ## Every test that needs no server, browser or PostgreSQL (about a minute; no model needed)
	.venv/bin/pytest -q -n auto --maxprocesses=4 --dist loadgroup -m "not e2e and not browser and not postgres" --ignore=tests/nlu --ignore=tests/dialogue

test-web: setup-test train ## Only the web chat page tests (headless Chromium, real Rasa and action server)
	@bash scripts/node-deps.sh && .venv/bin/pytest tests/web -q

test-staff: setup-test train ## Only the practitioner review tests (headless Chromium, real web app, Rasa and action server)
	.venv/bin/pytest tests/staff -q

bench: setup-test train ## Benchmarks, side by side with their baselines
	@bash scripts/bench.sh

eval-facts: venv ## Pay, schedule and place facts read from 153 labelled reflections: precision and recall, dev and test side by side
	@$(PY) -m tests.alignment.facts_eval

bench-activity: venv train ## Minutes a complete activity takes on a phone, per role and language (target under 12), and its SMS segments
	@$(PY) -m bench.activity_time
	@$(PY) -m bench.sms_segments

bench-staff: venv ## Staff queue, handoff and reports pages, 100 vs 10,000 seeded handoffs, p95 (BENCH_STAFF_ARGS=--postgres adds PostgreSQL)
	@$(PY) bench/staff_pages.py $(BENCH_STAFF_ARGS)

bench-alignment: venv ## Alignment ranking with 200 vs 2,000 consenting work seekers: pure, database and page, p95 (target <= 300 ms)
	@$(PY) -m bench.alignment_rank

run-prod: venv train ## Production profile here: PostgreSQL, Redis, 2 Rasa + 2 action servers, web apps, nginx (docs/production.md)
	@bash scripts/run-prod.sh start

stop-prod: ## Stop the production profile
	@bash scripts/run-prod.sh stop

prod-secrets: ## Generate SECRET_KEY, RASA_TOKEN and ACTION_SERVER_TOKEN into var/prod/prod.env (once; never replaced)
	@bash scripts/prod-secrets.sh

load-test: venv train ## 200 participants with replica kills, on a private production profile (not run-prod's data)
	@bash scripts/prod-load-test.sh

security-check: setup train ## Try every attack of issue 15 on the embedded and a private production profile; print the table
	@$(PY) bench/security_check.py

lock: ## Re-resolve requirements.in and requirements-dev.in into their locks (the dev lock constrained by the runtime one)
	.venv/bin/python -m pip install -q uv==0.13.9 && .venv/bin/uv pip compile requirements.in --python-version 3.10 --generate-hashes -q -o requirements.lock
	.venv/bin/uv pip compile requirements-dev.in --python-version 3.10 --generate-hashes -q -o requirements-dev.lock

clean: ## Remove the environment, trained models and local data
	rm -rf .venv models/*.tar.gz var .pytest_cache test-artifacts node_modules
