#!/usr/bin/env bash
# Start a throw-away ClamAV daemon OFFLINE (no freshclam, no network) with a
# tiny custom signature database that detects the EICAR test file.
# Usage:  clamd-offline.sh start|stop|status|selftest   [DIR default /tmp/clamtest]
# Env:    CLAMD_PORT (default 3310), CLAMD_DIR
#         CLAMD_STREAM_MAX (default 1100M): StreamMaxLength, MaxFileSize and MaxScanSize, large
#         enough for the upload limits the tests and the document benchmark use
# Needs:  apt-get install -y --no-install-recommends clamav-daemon (clamdscan optional)
set -euo pipefail
DIR="${CLAMD_DIR:-${2:-/tmp/clamtest}}"
PORT="${CLAMD_PORT:-3310}"
STREAM_MAX="${CLAMD_STREAM_MAX:-1100M}"
CMD="${1:-start}"

# EICAR test string assembled from two halves so this script itself is not
# flagged by scanners.
eicar() { printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR' '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'; }

setup() {
  mkdir -p "$DIR/db" "$DIR/samples"
  chmod 755 "$DIR" "$DIR/db"
  eicar > "$DIR/samples/eicar.com"                       # 68 bytes, classic form
  { printf 'harmless prefix '; eicar; printf '\n'; } > "$DIR/samples/eicar-embedded.txt"
  printf 'just a clean file\n' > "$DIR/samples/clean.txt"
  # 1) hash signature (.hdb):  MD5:size:Name   -> exact EICAR file
  local md5 size hex
  md5=$(md5sum "$DIR/samples/eicar.com" | cut -d' ' -f1)
  size=$(stat -c %s "$DIR/samples/eicar.com")
  echo "${md5}:${size}:Test.EICAR.HDB" > "$DIR/db/test.hdb"
  # 2) body signature (.ndb):  Name:TargetType:Offset:HexSig -> EICAR anywhere in any file
  hex=$(eicar | od -An -tx1 -v | tr -d ' \n')
  echo "Test.EICAR.NDB:0:*:${hex}" > "$DIR/db/test.ndb"
  cat > "$DIR/clamd.conf" <<CONF
# minimal throw-away clamd config (runs as the invoking user, no User directive)
DatabaseDirectory $DIR/db
LocalSocket $DIR/clamd.sock
LocalSocketMode 660
TCPSocket $PORT
TCPAddr 127.0.0.1
PidFile $DIR/clamd.pid
LogFile $DIR/clamd.log
LogTime yes
Foreground no
StreamMaxLength $STREAM_MAX
MaxFileSize $STREAM_MAX
MaxScanSize $STREAM_MAX
ReadTimeout 30
CONF
}

wait_ready() {
  for _ in $(seq 1 100); do
    if [ -S "$DIR/clamd.sock" ] && printf 'zPING\0' | timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; cat >&3; cat <&3" 2>/dev/null | grep -q PONG; then
      return 0; fi
    sleep 0.1
  done
  echo "clamd did not become ready; log:" >&2; cat "$DIR/clamd.log" >&2 || true; return 1
}

case "$CMD" in
  start)
    setup
    if [ -f "$DIR/clamd.pid" ] && kill -0 "$(cat "$DIR/clamd.pid")" 2>/dev/null; then echo "already running"; exit 0; fi
    clamd --config-file="$DIR/clamd.conf"
    wait_ready
    echo "clamd up: tcp 127.0.0.1:$PORT  unix $DIR/clamd.sock  pid $(cat "$DIR/clamd.pid")"
    ;;
  stop)
    if [ -f "$DIR/clamd.pid" ]; then kill "$(cat "$DIR/clamd.pid")" 2>/dev/null || true; rm -f "$DIR/clamd.pid"; fi
    echo stopped ;;
  status)
    printf 'zVERSION\0' | timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; cat >&3; cat <&3" ;echo ;;
  selftest)
    # clamscan needs no daemon: proves the signature DB alone
    clamscan --no-summary -d "$DIR/db" "$DIR/samples" || true
    if command -v clamdscan >/dev/null; then
      clamdscan --no-summary --config-file="$DIR/clamd.conf" --stream "$DIR/samples"/* || true
    fi ;;
  *) echo "usage: $0 start|stop|status|selftest [dir]"; exit 2 ;;
esac
