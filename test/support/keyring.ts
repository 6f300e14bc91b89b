import { generateKeyring, Keyring } from '../../src/platform/crypto/keyring.ts';

/** A throw-away key ring for tests. */
export function testKeyring(): Keyring {
  return new Keyring(generateKeyring());
}
