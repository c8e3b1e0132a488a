#!/usr/bin/env bash
# Installs AWS's Lambda Runtime Interface Emulator, a static binary shipped inside the
# aws-sam-cli wheel on PyPI, checksum verified. Idempotent. Prints the installed path.
#   scripts/install-rie.sh            -> ${RIE_DIR:-$HOME/.cache/integrator-extension}/aws-lambda-rie
set -euo pipefail
VERSION=1.170.0
MEMBER=samcli/local/rapid/aws-lambda-rie-x86_64
SHA256=6b1e686e62ab2baf5759c412c4864276ef2a88b094fca53ec070637ccba9b9a5
DIR=${RIE_DIR:-$HOME/.cache/integrator-extension}
DEST=$DIR/aws-lambda-rie

verified() { [ -x "$1" ] && echo "$SHA256  $1" | sha256sum --check --status; }

if verified "$DEST"; then echo "$DEST"; exit 0; fi
mkdir -p "$DIR"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: "aws-sam-cli==$VERSION" -d "$tmp" >&2
wheel=$(ls "$tmp"/aws_sam_cli-"$VERSION"-*.whl)
python3 - "$wheel" "$MEMBER" "$tmp/rie" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[3], "wb") as out:
    out.write(z.read(sys.argv[2]))
PY
chmod 755 "$tmp/rie"
verified "$tmp/rie" || { echo "checksum mismatch for $MEMBER of aws-sam-cli $VERSION" >&2; exit 1; }
mv "$tmp/rie" "$DEST"
echo "$DEST"
