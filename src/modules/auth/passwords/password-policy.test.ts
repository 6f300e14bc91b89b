import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CommonPasswordList,
  CommonPasswordListUnavailableError,
  loadCommonPasswords,
} from './common-passwords.ts';
import { checkPasswordPolicy, contextWordsOf, type PasswordPolicyOptions } from './password-policy.ts';

const PASSWORD_ONLY: PasswordPolicyOptions = { minLength: 15 };
const WITH_SECOND_FACTOR: PasswordPolicyOptions = { minLength: 8 };

const codes = async (password: string, options: PasswordPolicyOptions) =>
  (await checkPasswordPolicy(password, options)).map((p) => p.code);

/** A password of `n` code points that is on no list: a repeated block of unusual letters. */
const uncommon = (n: number) => 'vøkzrulbemtayq'.repeat(20).slice(0, n);

describe('checkPasswordPolicy: length', () => {
  it('with a 15-character minimum, refuses 14 and accepts 15', async () => {
    assert.deepEqual(await checkPasswordPolicy(uncommon(14), PASSWORD_ONLY), [
      { code: 'too_short', minLength: 15 },
    ]);
    assert.deepEqual(await codes(uncommon(15), PASSWORD_ONLY), []);
  });

  it('with an 8-character minimum, refuses 7 and accepts 8', async () => {
    assert.deepEqual(await codes(uncommon(7), WITH_SECOND_FACTOR), ['too_short']);
    assert.deepEqual(await codes(uncommon(8), WITH_SECOND_FACTOR), []);
  });

  it('allows 64 characters even when the maximum is set to its lowest value', async () => {
    assert.deepEqual(await codes(uncommon(64), { minLength: 15, maxLength: 64 }), []);
    assert.deepEqual(await checkPasswordPolicy(uncommon(65), { minLength: 15, maxLength: 64 }), [
      { code: 'too_long', maxLength: 64 },
    ]);
  });

  it('allows 256 characters by default and refuses 257', async () => {
    assert.deepEqual(await codes(uncommon(256), PASSWORD_ONLY), []);
    assert.deepEqual(await codes(uncommon(257), PASSWORD_ONLY), ['too_long']);
  });

  it('counts Unicode code points, not UTF-16 units or bytes', async () => {
    // Each emoji is 2 UTF-16 units and 4 bytes: 14 of them are 28 units but only 14 characters.
    assert.deepEqual(await codes('🔐🦊🌍🎲🧭🪐🍋🐙🎻🧩🚲🌵🦉🧊', PASSWORD_ONLY), ['too_short']);
    assert.deepEqual(await codes('🔐🦊🌍🎲🧭🪐🍋🐙🎻🧩🚲🌵🦉🧊🛶', PASSWORD_ONLY), []);
    // 256 astral characters (512 units) are within the default maximum.
    assert.deepEqual(await codes('🦉'.repeat(255) + '🧊', PASSWORD_ONLY), []);
    assert.deepEqual(await codes('ñandú-kïwí-çœur-ß', PASSWORD_ONLY), []);
  });

  it('judges the password exactly as typed: spaces count and are not trimmed', async () => {
    assert.deepEqual(await codes(' ' + uncommon(13) + ' ', PASSWORD_ONLY), []);
    assert.deepEqual(await codes('               ', PASSWORD_ONLY), []);
  });

  it('has no composition rules', async () => {
    assert.deepEqual(await codes('zebra quilt marmalade fjord', PASSWORD_ONLY), []);
    assert.deepEqual(await codes('84610375294618307', PASSWORD_ONLY), []);
  });

  it('refuses an invalid length window as a configuration error', async () => {
    await assert.rejects(
      checkPasswordPolicy(uncommon(20), { minLength: 7 }),
      /minLength must be an integer ≥ 8/,
    );
    await assert.rejects(checkPasswordPolicy(uncommon(20), { minLength: 8, maxLength: 63 }), /maxLength/);
    await assert.rejects(
      checkPasswordPolicy(uncommon(20), { minLength: 100, maxLength: 64 }),
      /below minLength/,
    );
  });
});

describe('checkPasswordPolicy: common passwords', () => {
  it('refuses well-known common and breached passwords, whatever their case', async () => {
    for (const password of [
      'password',
      'PASSWORD',
      '123456789012345',
      'qwertyuiopasdfgh',
      'qwertyuiopasdfghjkl',
      'passwordpassword',
      'iloveyou',
    ])
      assert.ok((await codes(password, WITH_SECOND_FACTOR)).includes('common'), password);
  });

  it('refuses a common password padded with digits and symbols', async () => {
    for (const password of ['Password2024!', 'iloveyou1234567', '!!!Dragon-2024!!!', 'monkey 12345678 ...'])
      assert.deepEqual(await codes(password, WITH_SECOND_FACTOR), ['common'], password);
  });

  it('accepts a random 20-character password', async () => {
    for (let i = 0; i < 20; i++) {
      const password = randomBytes(15).toString('base64url');
      assert.equal([...password].length, 20);
      assert.deepEqual(await codes(password, PASSWORD_ONLY), [], password);
    }
  });

  it('fails closed when the list cannot be loaded', async () => {
    const missing = () => loadCommonPasswords(new URL('file:///nonexistent/common-passwords.txt.gz'));
    await assert.rejects(
      checkPasswordPolicy(uncommon(20), { ...PASSWORD_ONLY, commonPasswords: missing }),
      CommonPasswordListUnavailableError,
    );
  });
});

describe('checkPasswordPolicy: context words', () => {
  const options: PasswordPolicyOptions = {
    minLength: 15,
    username: 'j.smithson',
    contextWords: ['ACME Capital Partners AG'],
    commonPasswords: async () => new CommonPasswordList([]),
  };

  it('refuses the username, the product name and the firm name, case-insensitively', async () => {
    assert.deepEqual(await checkPasswordPolicy('my name is SMITHSON ok', options), [
      { code: 'contains_context', words: ['smithson'] },
    ]);
    assert.deepEqual(await codes('welcome to Dossier today', options), ['contains_context']);
    assert.deepEqual(await codes('mydossierpassword', options), ['contains_context']);
    assert.deepEqual(await codes('acmeacmeacmeacme', options), ['contains_context']);
    assert.deepEqual(await checkPasswordPolicy('capital-partners-rule', options), [
      { code: 'contains_context', words: ['capital', 'partners'] },
    ]);
  });

  it('ignores words shorter than 4 characters', async () => {
    // "j" and "ag" come from the username and firm name but are too short to forbid.
    assert.deepEqual(await codes('j-and-ag-walk-into-a-bar', options), []);
    assert.deepEqual(await codes('bob-is-not-here-today', { ...options, username: 'bob' }), []);
  });

  it('splits context values into words and keeps the whole value', () => {
    assert.deepEqual(contextWordsOf(['J.Smith-Jones', undefined, 'ab', 'Müller AG']), [
      'j.smith-jones',
      'smith',
      'jones',
      'müller ag',
      'müller',
    ]);
  });

  it('reports every broken rule in a fixed order', async () => {
    assert.deepEqual(await codes('Dossier1', { minLength: 15 }), ['too_short', 'contains_context']);
    assert.deepEqual(await codes('password', { minLength: 15, username: 'password' }), [
      'too_short',
      'common',
      'contains_context',
    ]);
  });
});
