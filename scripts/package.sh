#!/usr/bin/env bash
# Packages and verifies the four published crates together, as `cargo publish`
# would upload them: each adapter is built against the core's packaged
# `.crate`, not against the workspace path.
#
#   scripts/package.sh [extra `cargo package` arguments]
#
# Why not plain `cargo package -p …`: to verify the adapters, cargo publishes
# the core to a temporary local registry under the target folder and unpacks
# it into `$CARGO_HOME/registry/src/-<hash of that folder>/`. It never unpacks
# a name and version twice there, so when the same checkout is packaged again
# after the core changed (same version 0.1.0), the adapters are verified
# against the core as it was the first time, and fail to build, or pass when
# they should not. Packaging into a new target folder every time gives the
# registry a new path, so the core is always unpacked afresh. Each run leaves
# that unpacked copy (about 360 KiB) under `$CARGO_HOME/registry/src/`; it is
# not removed here because a folder there cannot be told apart from one that
# another packaging run on this machine is still using.
set -euo pipefail
cd "$(dirname "$0")/.."

target=$(mktemp -d "${TMPDIR:-/tmp}/helpscout-beacon-package.XXXXXX")
trap 'rm -rf "$target"' EXIT

cargo package --target-dir "$target" \
  -p helpscout-beacon -p helpscout-beacon-tera \
  -p helpscout-beacon-minijinja -p helpscout-beacon-handlebars "$@"

# The .crate files outlive the temporary folder, where `cargo package` would
# have left them.
out="${CARGO_TARGET_DIR:-target}/package"
mkdir -p "$out"
cp "$target"/package/*.crate "$out"/
ls -1 "$out"/*.crate
