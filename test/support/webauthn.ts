/**
 * A small software authenticator for tests: ES256 keys from node:crypto, attestation 'none'
 * (CBOR by the encoder @simplewebauthn/server exports), assertions signed over authenticator data
 * and the client data hash as a browser and a real authenticator would produce them. Every knob an
 * attack needs is exposed: another origin, another RP id, no user verification, a chosen counter,
 * another credential's key, a replayed challenge.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoCBOR } from '@simplewebauthn/server/helpers';

export interface SoftCredential {
  id: string;
  privateKey: KeyObject;
  rpId: string;
  /** base64url user handle the options gave. */
  userHandle: string;
  counter: number;
}

export interface CeremonyOverrides {
  origin?: string;
  rpId?: string;
  /** Set the UV flag (default: the authenticator's own `uv`). */
  uv?: boolean;
  /** Answer with another challenge than the options' (base64url). */
  challenge?: string;
  /** Sign with this counter instead of the next one (does not move the authenticator's counter). */
  counter?: number;
  /** Assert with this credential (default: the first one the options allow, else the first held). */
  credentialId?: string;
  /** Omit the user handle from an assertion. */
  noUserHandle?: boolean;
}

const b64u = (b: Uint8Array | Buffer) => Buffer.from(b).toString('base64url');
const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest();

function flags(o: { up: boolean; uv: boolean; at: boolean }): number {
  return (o.up ? 0x01 : 0) | (o.uv ? 0x04 : 0) | (o.at ? 0x40 : 0);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export class SoftAuthenticator {
  readonly origin: string;
  readonly rpId: string;
  /** Whether it verifies the user (PIN/biometric) by default. */
  uv: boolean;
  readonly credentials: SoftCredential[] = [];
  readonly aaguid = Buffer.alloc(16);

  constructor(opts: { origin: string; rpId?: string; uv?: boolean }) {
    this.origin = opts.origin;
    this.rpId = opts.rpId ?? new URL(opts.origin).hostname;
    this.uv = opts.uv ?? true;
  }

  /** navigator.credentials.create() answered by this authenticator. */
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    o: CeremonyOverrides = {},
  ): RegistrationResponseJSON {
    const rpId = o.rpId ?? this.rpId;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const x = Buffer.from(jwk.x!, 'base64url');
    const y = Buffer.from(jwk.y!, 'base64url');
    const cose = isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, x],
        [-3, y],
      ]),
    );
    const credId = randomBytes(32);
    const idLen = Buffer.alloc(2);
    idLen.writeUInt16BE(credId.length);
    const authData = Buffer.concat([
      sha256(rpId),
      Buffer.from([flags({ up: true, uv: o.uv ?? this.uv, at: true })]),
      u32(0),
      this.aaguid,
      idLen,
      credId,
      Buffer.from(cose),
    ]);
    const attestationObject = isoCBOR.encode(
      new Map<string, string | Map<string, string> | Uint8Array>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', authData],
      ]),
    );
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: 'webauthn.create',
        challenge: o.challenge ?? options.challenge,
        origin: o.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
    const id = b64u(credId);
    this.credentials.push({ id, privateKey, rpId, userHandle: options.user.id, counter: 0 });
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(clientDataJSON),
        attestationObject: b64u(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** navigator.credentials.get() answered by this authenticator. */
  assert(
    options: PublicKeyCredentialRequestOptionsJSON,
    o: CeremonyOverrides = {},
  ): AuthenticationResponseJSON {
    const allowed = options.allowCredentials?.map((c) => c.id) ?? [];
    const cred =
      (o.credentialId
        ? this.credentials.find((c) => c.id === o.credentialId)
        : allowed.length
          ? this.credentials.find((c) => allowed.includes(c.id))
          : this.credentials[0]) ?? null;
    if (!cred) throw new Error('soft authenticator: no matching credential');
    let counter: number;
    if (o.counter !== undefined) counter = o.counter;
    else counter = ++cred.counter;
    const authData = Buffer.concat([
      sha256(o.rpId ?? cred.rpId),
      Buffer.from([flags({ up: true, uv: o.uv ?? this.uv, at: false })]),
      u32(counter),
    ]);
    const clientDataJSON = Buffer.from(
      JSON.stringify({
        type: 'webauthn.get',
        challenge: o.challenge ?? options.challenge,
        origin: o.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientDataJSON)]), cred.privateKey);
    return {
      id: cred.id,
      rawId: cred.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64u(clientDataJSON),
        authenticatorData: b64u(authData),
        signature: b64u(signature),
        ...(o.noUserHandle ? {} : { userHandle: cred.userHandle }),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** A copy holding the same keys and counters (a cloned authenticator). */
  clone(): SoftAuthenticator {
    const c = new SoftAuthenticator({ origin: this.origin, rpId: this.rpId, uv: this.uv });
    for (const cred of this.credentials) c.credentials.push({ ...cred });
    return c;
  }
}
