/**
 * Test support: where the test ClamAV daemon is. DOSSIER_TEST_CLAMD is `host:port` or a unix socket
 * path (default `127.0.0.1:3310`, as started by scripts/clamd-offline.sh). Tests skip when it is not
 * reachable, unless DOSSIER_TEST_REQUIRE_CLAMD=1 (CI), where they must fail instead.
 */
import { dirname, join } from 'node:path';
import type { ClamdSettings } from './clamd-client.ts';

// Test entry point, like test/support/db.ts: it reads its own variables, not the service configuration.
// eslint-disable-next-line no-restricted-properties
const env = process.env;

/** The EICAR test string, assembled from two halves so that no file in the repository contains it. */
export function eicar(): Buffer {
  return Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR' + '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*', 'latin1');
}

/** Settings for the test daemon (short timeouts), or null when DOSSIER_TEST_CLAMD is set to ''. */
export function testClamdSettings(): ClamdSettings | null {
  const spec = env['DOSSIER_TEST_CLAMD'] ?? '127.0.0.1:3310';
  if (spec === '') return null;
  const timeouts = { connectTimeoutMs: 2000, idleTimeoutMs: 10_000, scanTimeoutMs: 30_000 };
  if (spec.startsWith('/')) return { socket: spec, ...timeouts };
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(spec);
  if (!m)
    throw new Error(`DOSSIER_TEST_CLAMD must be host:port or a socket path, not ${JSON.stringify(spec)}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]), ...timeouts };
}

/**
 * The daemon's unix socket (DOSSIER_TEST_CLAMD_SOCKET, default /tmp/clamtest/clamd.sock), so that both
 * transports are tested; null when set to ''.
 */
export function testClamdSocketSettings(): ClamdSettings | null {
  const path = env['DOSSIER_TEST_CLAMD_SOCKET'] ?? '/tmp/clamtest/clamd.sock';
  if (path === '') return null;
  return { socket: path, connectTimeoutMs: 2000, idleTimeoutMs: 10_000, scanTimeoutMs: 30_000 };
}

/**
 * The sample files scripts/clamd-offline.sh writes next to its socket (`<dir>/samples`), or null
 * when no socket is configured.
 */
export function testClamdSamplesDir(): string | null {
  const socket = testClamdSocketSettings()?.socket;
  return socket ? join(dirname(socket), 'samples') : null;
}

/** True when a missing daemon must fail the tests instead of skipping them. */
export function requireClamd(): boolean {
  return env['DOSSIER_TEST_REQUIRE_CLAMD'] === '1';
}
