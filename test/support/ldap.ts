/**
 * The test directories (scripts/openldap-test-ad.sh; .ci/run starts two and exports their
 * addresses): one configured normally, one emulating Active Directory's anonymous-success bind
 * with an empty password. Without them the directory tests are skipped, unless
 * DOSSIER_TEST_REQUIRE_LDAP=1 (CI), which makes that a failure.
 */
import { readFileSync } from 'node:fs';

export interface TestDirectory {
  /** ldap:// (StartTLS) */
  url: string;
  /** ldaps:// */
  ldapsUrl: string | null;
  caPem: string;
}

const env = process.env;

export const testDirectories: { normal: TestDirectory; adEmulating: TestDirectory } | null =
  env['DOSSIER_TEST_LDAP_URL'] && env['DOSSIER_TEST_LDAP_AD_URL']
    ? {
        normal: {
          url: env['DOSSIER_TEST_LDAP_URL'],
          ldapsUrl: env['DOSSIER_TEST_LDAPS_URL'] ?? null,
          caPem: readFileSync(env['DOSSIER_TEST_LDAP_CA']!, 'utf8'),
        },
        adEmulating: {
          url: env['DOSSIER_TEST_LDAP_AD_URL'],
          ldapsUrl: null,
          caPem: readFileSync(env['DOSSIER_TEST_LDAP_AD_CA']!, 'utf8'),
        },
      }
    : null;

/** `skip` for node:test. */
export function directorySkip(): string | false {
  if (testDirectories) return false;
  if (env['DOSSIER_TEST_REQUIRE_LDAP'] === '1')
    throw new Error('DOSSIER_TEST_REQUIRE_LDAP=1 but no test directory (see scripts/openldap-test-ad.sh)');
  return 'no test directory (set DOSSIER_TEST_LDAP_URL etc.; start scripts/openldap-test-ad.sh)';
}
