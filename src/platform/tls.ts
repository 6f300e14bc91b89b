/**
 * TLS settings shared by every listener and every outbound connection: TLS 1.2 and 1.3 only
 * (ASVS 12.1.1) and, for TLS 1.2, only forward-secret AEAD suites (ASVS 12.1.2). Verified with
 * sslscan; see docs/SECURITY.md.
 */
export const TLS_MIN_VERSION = 'TLSv1.2' as const;

export const TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

/** For servers: the server's order wins, so a client cannot steer towards a weaker suite. */
export const TLS_SERVER_OPTIONS = {
  minVersion: TLS_MIN_VERSION,
  ciphers: TLS_CIPHERS,
  honorCipherOrder: true,
} as const;

/** For clients (link, and later LDAP, SMTP, clamd over TCP...). */
export const TLS_CLIENT_OPTIONS = { minVersion: TLS_MIN_VERSION, ciphers: TLS_CIPHERS } as const;
