/**
 * Identity-document numbers at rest: AES-GCM under the field key with the owning subject bound as
 * additional data (a ciphertext copied to another subject's row fails to decrypt), plus a keyed blind
 * index for the duplicate check. Decrypted only where a view is built.
 */
import { randomUUID } from 'node:crypto';
import type { NewRow } from '../../db/types.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import type { IdentifierRow } from './subject.repository.ts';
import type { IdentityDocumentInput, IdentityDocumentType } from './subject.schema.ts';
import { identifierIndexValue } from './subject.normalise.ts';

const BLIND_INDEX_DOMAIN = 'identity-document';

/** The encryption context of a subject's identifiers. */
export function identifierContext(subjectId: string): string {
  return `subject_identifiers:${subjectId}`;
}

export function identifierIndex(keyring: Keyring, doc: IdentityDocumentInput): Buffer {
  return keyring.blindIndex(BLIND_INDEX_DOMAIN, identifierIndexValue(doc));
}

/** Rows ready to insert; the plaintext number exists only in the caller's input. */
export function sealIdentifiers(
  keyring: Keyring,
  subjectId: string,
  docs: IdentityDocumentInput[],
): NewRow<'subject_identifiers'>[] {
  return docs.map((d, position) => ({
    id: randomUUID(),
    subject_id: subjectId,
    type: d.type,
    country: d.country,
    value_enc: keyring.encryptField(d.number.trim(), identifierContext(subjectId)),
    value_bidx: identifierIndex(keyring, d),
    issued_on: d.issuedOn ?? null,
    expires_on: d.expiresOn ?? null,
    position,
  }));
}

export interface OpenedIdentifier {
  id: string;
  type: IdentityDocumentType;
  country: string | null;
  number: string;
  issuedOn: string | null;
  expiresOn: string | null;
}

export function openIdentifiers(
  keyring: Keyring,
  subjectId: string,
  rows: IdentifierRow[],
): OpenedIdentifier[] {
  return rows.map((r) => ({
    id: r.id,
    type: r.type as IdentityDocumentType,
    country: r.country,
    number: keyring.decryptField(r.value_enc, identifierContext(subjectId)),
    issuedOn: r.issued_on,
    expiresOn: r.expires_on,
  }));
}
