/**
 * The document services of the internal server, from configuration: the encrypted blob store on the
 * local filesystem and the clamd client (unix socket, or TCP with TLS where remote).
 */
import { readFileSync } from 'node:fs';
import type { DocumentServices } from '../../modules/documents/index.ts';
import type { Config } from '../../platform/config.ts';
import { ClamdClient, type ClamdSettings } from '../../platform/clamav/clamd-client.ts';
import { FsBlobStore } from '../../platform/storage/fs-blob-store.ts';

export function clamdSettingsFrom(config: Config): ClamdSettings {
  const s = config.scanner;
  return {
    ...(s.socket ? { socket: s.socket } : { host: s.host, port: s.port }),
    tls: s.tls
      ? {
          ...(s.caFile ? { ca: readFileSync(s.caFile, 'utf8') } : {}),
          ...(s.servername ? { servername: s.servername } : {}),
        }
      : null,
    connectTimeoutMs: s.connectTimeoutMs,
    idleTimeoutMs: s.idleTimeoutMs,
    scanTimeoutMs: s.scanTimeoutMs,
  };
}

export function createDocumentServices(
  config: Config,
  overrides: { scanner?: ClamdSettings | undefined; storageDir?: string | undefined } = {},
): DocumentServices {
  const d = config.documents;
  return {
    store: new FsBlobStore(overrides.storageDir ?? d.storageDir),
    scanner: new ClamdClient(overrides.scanner ?? clamdSettingsFrom(config)),
    settings: {
      maxUploadBytes: d.maxUploadBytes,
      segmentSize: d.segmentSize,
      archive: d.archive,
      uploadLeaseSeconds: d.uploadLeaseSeconds,
      retentionDays: d.retentionDays,
      scannerFailOpen: config.scanner.failOpen,
    },
  };
}
