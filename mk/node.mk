# Node binding (crates/node, npm package `tuma`): install the pinned dev tools, build the addon
# in debug mode into the shared target dir, check the generated index.js/index.d.ts for drift,
# type-check the TypeScript example, run `node --test tests/node/` against the sandbox binary.
#
#   make test-node    everything above
#   make node-regen   rebuild and overwrite the committed index.js / index.d.ts

NODE_DIR := crates/node
NODE_GEN := $(TARGET_DIR)/node-gen
NPM ?= npm
NAPI := $(NODE_DIR)/node_modules/.bin/napi
TSC := $(NODE_DIR)/node_modules/.bin/tsc

TEST_TARGETS += test-node

.PHONY: test-node node-install node-build node-drift node-regen

# `npm ci` only when the lock file changed since the last install. Some registry mirrors lack
# the other platforms' optional packages of @napi-rs/cli's own dependencies, and `npm ci`
# then refuses the lock file: fall back to `npm install --no-save`, which installs the
# locked versions without rewriting the lock file.
$(NODE_DIR)/node_modules/.package-lock.json: $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	cd $(NODE_DIR) && { $(NPM) ci --no-audit --no-fund --loglevel=silent \
	  || $(NPM) install --no-save --no-audit --no-fund --loglevel=error; }

node-install: $(NODE_DIR)/node_modules/.package-lock.json

# Debug build (no --release): reuses the dependencies `cargo build`/`cargo test` already built.
node-build: node-install
	$(CARGO) build -q -p tuma-sandbox
	rm -rf $(NODE_GEN)
	cd $(NODE_DIR) && ./node_modules/.bin/napi build --platform --target-dir $(TARGET_DIR) --output-dir $(NODE_GEN)
	cp $(NODE_GEN)/*.node $(NODE_DIR)/

node-drift: node-build
	@for f in index.js index.d.ts; do \
	  diff -u $(NODE_DIR)/$$f $(NODE_GEN)/$$f || { echo "$(NODE_DIR)/$$f is out of date: run 'make node-regen' and commit it"; exit 1; }; \
	done

node-regen: node-build
	cp $(NODE_GEN)/index.js $(NODE_GEN)/index.d.ts $(NODE_DIR)/

test-node: node-drift
	$(TSC) --strict --noEmit -p examples/node/tsconfig.json
	CARGO_TARGET_DIR=$(TARGET_DIR) node --test tests/node/
