#!/usr/bin/env bash
# `make dist`: the Linux installers (.deb, .rpm, .AppImage), each signed for
# the updater, and the latest.json that announces them, in target/dist/.
#
#   TAURI_SIGNING_PRIVATE_KEY (+ _PASSWORD)  the update signing key (a path or its text)
#   TAILOR_UPDATER_PUBKEY                    its public key, built into the app
#   TAILOR_UPDATE_URL                        the latest.json the app checks (none: no checks)
#   TAILOR_RELEASE_BASE_URL                  where the artifacts will be served
#   TAILOR_RELEASE_NOTES                     a file with the release notes
#
# Without a signing key it signs with the committed TEST key and says so: such
# installers are for tests, never for a release.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

bash scripts/install-deps
tauri=ui/node_modules/.bin/tauri
version=$(python3 -c 'import tomllib; print(tomllib.load(open("Cargo.toml","rb"))["workspace"]["package"]["version"])')

if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  echo "dist: TAURI_SIGNING_PRIVATE_KEY is not set: signing with the TEST key (tests/dist/updater-test.key)."
  echo "dist: these installers trust the test key for updates; never publish them."
  TAURI_SIGNING_PRIVATE_KEY="$(cat tests/dist/updater-test.key)"
  export TAURI_SIGNING_PRIVATE_KEY
  export TAURI_SIGNING_PRIVATE_KEY_PASSWORD=""
  pubkey=$(cat tests/dist/updater-test.key.pub)
else
  pubkey="${TAILOR_UPDATER_PUBKEY:?dist: set TAILOR_UPDATER_PUBKEY to the public key of TAURI_SIGNING_PRIVATE_KEY}"
fi

# The build's own settings: the public key and update address built into the app.
mkdir -p target/dist
config=target/dist/tauri.dist.json
PUBKEY="$pubkey" URL="${TAILOR_UPDATE_URL:-}" python3 - >"$config" <<'EOF'
import json, os
url = os.environ["URL"]
print(json.dumps({"plugins": {"updater": {"pubkey": os.environ["PUBKEY"], "endpoints": [url] if url else []}}}))
EOF

(cd ui && npm run build --silent)
"$tauri" build --ci --bundles deb,rpm --config "$config"

bundle=target/release/bundle
deb="$bundle/deb/Tailor_${version}_amd64.deb"
rpm="$bundle/rpm/Tailor-${version}-1.x86_64.rpm"
appimage="$bundle/appimage/Tailor_${version}_amd64.AppImage"
mkdir -p "$bundle/appimage"
cargo run --quiet -p tailor-dist -- appimage --deb-root "$bundle/deb/Tailor_${version}_amd64/data" --out "$appimage"

for f in "$deb" "$rpm" "$appimage"; do
  [ -f "$f" ] || { echo "dist: $f was not built"; exit 1; }
  # The bundler signs what it made for the updater; the AppImage is ours to sign.
  [ -f "$f.sig" ] && [ "$f.sig" -nt "$f" ] || "$tauri" signer sign "$f" >/dev/null
done

notes_args=()
[ -n "${TAILOR_RELEASE_NOTES:-}" ] && notes_args=(--notes "$TAILOR_RELEASE_NOTES")
rm -f target/dist/*.deb* target/dist/*.rpm* target/dist/*.AppImage* target/dist/latest.json
cp "$deb" "$deb.sig" "$rpm" "$rpm.sig" "$appimage" "$appimage.sig" target/dist/
cargo run --quiet -p tailor-dist -- manifest --version "$version" "${notes_args[@]}" \
  --base-url "${TAILOR_RELEASE_BASE_URL:-https://updates.tailor.dev/desktop}" \
  --appimage "target/dist/$(basename "$appimage")" --deb "target/dist/$(basename "$deb")" \
  --rpm "target/dist/$(basename "$rpm")" --out target/dist/latest.json >/dev/null
echo "dist: Tailor $version in target/dist:"
ls -l target/dist | sed 1d
