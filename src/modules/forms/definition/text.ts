/**
 * Text handling for answers: Unicode normalisation, refusal of control characters, length in
 * characters (code points), the fixed set of text formats and ISO calendar dates. Every regular
 * expression here is fixed and linear; none comes from a definition.
 */
import { isCountryCode } from '../../subjects/countries.ts';
import type { TextFormat } from './definition.schema.ts';

export type TextResult = { ok: true; value: string } | { ok: false; code: string; message: string };

// C0 and C1 controls and DEL (exactly \p{Cc}); the multiline variant leaves tab and newline alone.
const CONTROL = /\p{Cc}/u;
const CONTROL_MULTILINE = /(?![\t\n])\p{Cc}/u;

/**
 * Normalises one answer string: well-formed UTF-16 required, line breaks unified (multiline only),
 * NFC, trimmed; control characters refused (tab and newline allowed in multiline text).
 */
export function normaliseText(raw: string, multiline: boolean): TextResult {
  if (!raw.isWellFormed()) {
    return { ok: false, code: 'invalid_character', message: 'contains an invalid character' };
  }
  let s = multiline ? raw.replace(/\r\n?/g, '\n') : raw;
  s = s.normalize('NFC').trim();
  if ((multiline ? CONTROL_MULTILINE : CONTROL).test(s)) {
    return { ok: false, code: 'invalid_character', message: 'contains a control character' };
  }
  return { ok: true, value: s };
}

/** Length in characters (code points), so that limits mean the same for every script. */
export function charLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

const EMAIL =
  /^[^\s@"<>()[\]\\,;:]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const PHONE_SEPARATORS = /[\s().-]/g;
const E164 = /^\+[1-9][0-9]{6,14}$/;
const IBAN = /^([A-Z]{2})[0-9]{2}[A-Z0-9]{11,30}$/;
const POSTCODE = /^[A-Z0-9](?:[A-Z0-9 -]{0,10}[A-Z0-9])?$/;

const bad = (message: string): TextResult => ({ ok: false, code: 'format', message });

/** Checks a normalised string against one of the fixed formats and returns its canonical form. */
export function checkFormat(format: TextFormat, s: string): TextResult {
  switch (format) {
    case 'email': {
      if (s.length > 254 || !EMAIL.test(s)) return bad('must be an email address');
      const at = s.lastIndexOf('@');
      return { ok: true, value: s.slice(0, at + 1) + s.slice(at + 1).toLowerCase() };
    }
    case 'phone': {
      const compact = s.replace(PHONE_SEPARATORS, '');
      if (!E164.test(compact))
        return bad('must be a phone number in international form, e.g. +44 20 7946 0000');
      return { ok: true, value: compact };
    }
    case 'iban': {
      const compact = s.replace(/\s+/g, '').toUpperCase();
      const m = IBAN.exec(compact);
      if (!m || !isCountryCode(m[1]!) || !ibanChecksumOk(compact)) return bad('must be a valid IBAN');
      return { ok: true, value: compact };
    }
    case 'postcode': {
      const v = s.toUpperCase().replace(/\s+/g, ' ');
      if (!POSTCODE.test(v)) return bad('must be a postcode (letters, digits, spaces and hyphens)');
      return { ok: true, value: v };
    }
    case 'url': {
      if (s.length > 2048) return bad('must be an https address of at most 2048 characters');
      let url: URL;
      try {
        url = new URL(s);
      } catch {
        return bad('must be an https address');
      }
      if (url.protocol !== 'https:' || !url.hostname) return bad('must be an https address');
      if (url.username || url.password) return bad('must not contain a user name or password');
      return { ok: true, value: url.href };
    }
  }
}

/** ISO 13616 mod-97 check, computed piecewise so no big integers are needed. */
function ibanChecksumOk(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) rem = (rem * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

const ISO_DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** True for a real calendar date written YYYY-MM-DD (years 0001 to 9999). */
export function isIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1]!;
  return d <= days;
}
