/**
 * A ClamAV daemon client over the INSTREAM protocol, written by hand: no npm client offers TLS with
 * certificate verification and strict, fail-closed timeouts. Uploads are streamed to clamd while they
 * arrive (the caller tees them into `ScanSession.input`), so a file is never held in memory here.
 *
 * Fail closed: every problem (unreachable daemon, timeout, ERROR reply, garbled reply, early close)
 * rejects the verdict with ScannerUnavailableError; only `stream: OK` is clean. Every path destroys
 * the socket, and the input never emits 'error' (after the scan has settled, writes are discarded), so
 * a daemon that answers and closes early (size limit) cannot crash the caller with EPIPE.
 *
 * Wire format (the `z` form, null-terminated): `zINSTREAM\0`, then chunks `[u32 BE length][bytes]`,
 * then a zero-length chunk; the reply is `stream: OK\0`, `stream: <Signature> FOUND\0` or
 * `<message> ERROR\0`.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import tls from 'node:tls';
import { TLS_CLIENT_OPTIONS } from '../tls.ts';

export interface ClamdSettings {
  /** A unix socket path; exclusive with host/port. */
  socket?: string;
  host?: string;
  port?: number;
  /** TLS to the daemon (e.g. through a TLS-terminating proxy); verification is always on. */
  tls?: { ca?: string /* PEM */; servername?: string } | null;
  /** TCP connect plus TLS handshake. */
  connectTimeoutMs: number;
  /** Longest silence on the socket (either direction) while a command is open. */
  idleTimeoutMs: number;
  /** The whole exchange, from connecting to the reply. */
  scanTimeoutMs: number;
  /** Bytes per INSTREAM chunk (default 64 KiB); must stay below clamd's StreamMaxLength. */
  chunkSize?: number;
}

export type ScanVerdict = { status: 'clean' } | { status: 'infected'; signature: string };

export type ScannerUnavailableReason = 'unreachable' | 'timeout' | 'error' | 'size_limit' | 'protocol';

/** The scan could not give a verdict: the upload must be refused (fail closed), never accepted. */
export class ScannerUnavailableError extends Error {
  readonly reason: ScannerUnavailableReason;
  constructor(reason: ScannerUnavailableReason, message: string, options?: { cause?: unknown }) {
    super(`virus scanner unavailable (${reason}): ${message}`, options);
    this.name = 'ScannerUnavailableError';
    this.reason = reason;
  }
}

export interface ScanSession {
  /** Write the file here; `end()` sends the terminating zero-length chunk. Never emits 'error'. */
  readonly input: Writable;
  /** The daemon's verdict, or ScannerUnavailableError. Already has a no-op handler attached. */
  readonly verdict: Promise<ScanVerdict>;
  /** Gives up: destroys the socket and rejects the verdict (reason 'error'). */
  abort(): void;
}

const DEFAULT_CHUNK = 64 * 1024;
/** Replies are one short line; anything longer is not clamd. */
const MAX_REPLY = 4096;
/** Connection errors that mean "nobody there" rather than "something broke". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EACCES',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
]);

/** One open connection carrying one command, with all timers; settles exactly once. */
class Exchange {
  readonly socket: net.Socket;
  readonly reply: Promise<string>;
  settled = false;
  connected = false;
  #resolve!: (reply: string) => void;
  #reject!: (err: ScannerUnavailableError) => void;
  #received: Buffer[] = [];
  #receivedBytes = 0;
  #timers: NodeJS.Timeout[] = [];
  #onSettle: (() => void)[] = [];

  constructor(settings: ClamdSettings) {
    this.reply = new Promise<string>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // The caller may attach its handler late (it is busy streaming); do not crash the process meanwhile.
    this.reply.catch(() => {});
    this.socket = openSocket(settings);
    const s = this.socket;
    const connectEvent = settings.tls ? 'secureConnect' : 'connect';
    this.#timers.push(
      setTimeout(
        () => this.fail(new ScannerUnavailableError('timeout', 'connect timed out')),
        settings.connectTimeoutMs,
      ),
      setTimeout(
        () => this.fail(new ScannerUnavailableError('timeout', 'scan timed out')),
        settings.scanTimeoutMs,
      ),
    );
    s.once(connectEvent, () => {
      this.connected = true;
      clearTimeout(this.#timers.shift());
    });
    s.setTimeout(settings.idleTimeoutMs, () =>
      this.fail(new ScannerUnavailableError('timeout', 'the connection was idle too long')),
    );
    s.on('data', (data: Buffer) => this.#onData(data));
    s.on('end', () => this.#onEnd());
    s.on('close', () => this.#onEnd());
    s.on('error', (err: NodeJS.ErrnoException) => {
      const code = err.code ?? '';
      if (!this.connected && UNREACHABLE_CODES.has(code)) {
        this.fail(new ScannerUnavailableError('unreachable', `cannot connect (${code})`, { cause: err }));
      } else if (!this.connected) {
        // TLS verification failures land here too: never retried without verification.
        this.fail(
          new ScannerUnavailableError('error', `connection failed (${code || err.message})`, { cause: err }),
        );
      } else {
        this.fail(
          new ScannerUnavailableError('protocol', `connection broken (${code || err.message})`, {
            cause: err,
          }),
        );
      }
    });
  }

  onSettle(fn: () => void): void {
    if (this.settled) fn();
    else this.#onSettle.push(fn);
  }

  fail(err: ScannerUnavailableError): void {
    if (this.#settle()) this.#reject(err);
  }

  #settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    for (const t of this.#timers) clearTimeout(t);
    this.socket.setTimeout(0);
    this.socket.destroy();
    for (const fn of this.#onSettle.splice(0)) fn();
    return true;
  }

  #onData(data: Buffer): void {
    if (this.settled) return;
    this.#received.push(data);
    this.#receivedBytes += data.length;
    const all = Buffer.concat(this.#received);
    const nul = all.indexOf(0);
    if (nul >= 0) {
      if (this.#settle()) this.#resolve(all.subarray(0, nul).toString('utf8'));
    } else if (this.#receivedBytes > MAX_REPLY) {
      this.fail(new ScannerUnavailableError('protocol', 'the reply is too long'));
    }
  }

  #onEnd(): void {
    this.fail(
      new ScannerUnavailableError(
        'protocol',
        this.#receivedBytes ? 'the reply is not terminated' : 'the daemon closed without a reply',
      ),
    );
  }
}

function openSocket(s: ClamdSettings): net.Socket {
  const target = s.socket !== undefined ? { path: s.socket } : { host: s.host!, port: s.port! };
  if (s.tls) {
    // Verification stays on (the default); never rejectUnauthorized: false. TLS 1.2+ with the
    // shared cipher list.
    return tls.connect({
      ...TLS_CLIENT_OPTIONS,
      ...target,
      ...(s.tls.ca !== undefined ? { ca: s.tls.ca } : {}),
      ...(s.tls.servername !== undefined ? { servername: s.tls.servername } : {}),
      rejectUnauthorized: true,
    });
  }
  return net.connect(target);
}

/** Maps a clamd INSTREAM reply (terminator stripped) to a verdict, or throws. */
export function parseScanReply(reply: string): ScanVerdict {
  const line = reply.trim();
  if (line === 'stream: OK') return { status: 'clean' };
  if (line.endsWith(' ERROR')) {
    const message = line.slice(0, -' ERROR'.length).replace(/^stream: /, '');
    if (/size limit/i.test(message)) throw new ScannerUnavailableError('size_limit', message);
    throw new ScannerUnavailableError('error', message);
  }
  const found = /^stream: (\S(?:.*\S)?) FOUND$/.exec(line);
  if (found) return { status: 'infected', signature: found[1]! };
  throw new ScannerUnavailableError('protocol', 'unexpected reply');
}

export class ClamdClient {
  readonly #settings: ClamdSettings;
  readonly #chunkSize: number;

  constructor(settings: ClamdSettings) {
    const hasSocket = settings.socket !== undefined;
    const hasTcp = settings.host !== undefined || settings.port !== undefined;
    if (hasSocket === hasTcp) throw new Error('clamd: give either a unix socket or a host and port');
    if (hasTcp && (!settings.host || !Number.isInteger(settings.port) || settings.port! <= 0)) {
      throw new Error('clamd: host and port are both required');
    }
    for (const k of ['connectTimeoutMs', 'idleTimeoutMs', 'scanTimeoutMs'] as const) {
      if (!(settings[k] > 0)) throw new Error(`clamd: ${k} must be positive`);
    }
    this.#chunkSize = settings.chunkSize ?? DEFAULT_CHUNK;
    if (!Number.isInteger(this.#chunkSize) || this.#chunkSize <= 0) {
      throw new Error('clamd: chunkSize must be a positive integer');
    }
    this.#settings = { ...settings };
  }

  /** Resolves when the daemon answers PONG. */
  async ping(): Promise<void> {
    const reply = await this.#command('zPING\0');
    if (reply.trim() !== 'PONG') throw new ScannerUnavailableError('protocol', 'unexpected reply to PING');
  }

  /** The daemon's version line, e.g. `ClamAV 1.4.3/27000/...`. */
  async version(): Promise<string> {
    const reply = (await this.#command('zVERSION\0')).trim();
    if (!reply.startsWith('ClamAV '))
      throw new ScannerUnavailableError('protocol', 'unexpected reply to VERSION');
    return reply;
  }

  /** Opens an INSTREAM scan; the caller writes the file into `input` and awaits `verdict`. */
  startScan(): ScanSession {
    const ex = new Exchange(this.#settings);
    const socket = ex.socket;
    const chunkSize = this.#chunkSize;
    let pending: (() => void) | null = null;
    // A write waiting for 'drain' must be released when the exchange ends, or the caller would hang.
    ex.onSettle(() => {
      const p = pending;
      pending = null;
      p?.();
    });
    socket.on('drain', () => {
      const p = pending;
      pending = null;
      p?.();
    });
    socket.write('zINSTREAM\0');

    const send = (frames: Buffer[], callback: () => void): void => {
      let ok = true;
      for (const f of frames) ok = socket.write(f) && ok;
      if (ok) callback();
      else pending = callback;
    };

    const input = new Writable({
      // Small: the socket's own buffer does the queueing, so write() returns false while it is congested.
      highWaterMark: chunkSize,
      write(chunk: Buffer, _encoding, callback) {
        if (ex.settled) return callback(); // the scan is over (early reply, error, abort): discard
        const frames: Buffer[] = [];
        for (let off = 0; off < chunk.length; off += chunkSize) {
          const piece = chunk.subarray(off, off + chunkSize);
          const header = Buffer.alloc(4);
          header.writeUInt32BE(piece.length);
          frames.push(header, piece);
        }
        send(frames, () => callback());
      },
      final(callback) {
        if (ex.settled) return callback();
        send([Buffer.alloc(4)], () => callback());
      },
      destroy(err, callback) {
        // Destroyed before it finished (the caller gave up on the upload): the scan cannot complete.
        // After a normal end (auto-destroy) the reply is still on its way.
        if (err || !this.writableFinished) {
          ex.fail(new ScannerUnavailableError('error', 'the scan input was destroyed', { cause: err }));
        }
        callback(null);
      },
    });

    const verdict = ex.reply.then(parseScanReply);
    verdict.catch(() => {});
    return {
      input,
      verdict,
      abort: () => ex.fail(new ScannerUnavailableError('error', 'scan aborted')),
    };
  }

  async #command(cmd: string): Promise<string> {
    const ex = new Exchange(this.#settings);
    ex.socket.write(cmd);
    return ex.reply;
  }
}
