/**
 * What the document use cases need besides Ctx: the blob store, the virus scanner and the settings.
 * Built once per process from configuration (servers/internal/document-services.ts) or by tests.
 */
import type { ScanSession } from '../../platform/clamav/clamd-client.ts';
import type { BlobStore } from '../../platform/storage/blob-store.ts';
import type { ArchiveLimits } from './inspection/index.ts';

/** The virus scanner as the pipeline uses it (ClamdClient implements it). */
export interface VirusScanner {
  startScan(): ScanSession;
  /** The engine and signature version, recorded with every scanned version. */
  version(): Promise<string>;
}

export interface DocumentSettings {
  maxUploadBytes: number;
  segmentSize: number;
  archive: ArchiveLimits;
  uploadLeaseSeconds: number;
  retentionDays: number;
  /** Accept files unscanned when the scanner is unavailable (each such upload is audited). */
  scannerFailOpen: boolean;
}

export interface DocumentServices {
  store: BlobStore;
  scanner: VirusScanner;
  settings: DocumentSettings;
}
