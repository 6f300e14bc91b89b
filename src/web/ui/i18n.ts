/**
 * i18next for both apps: English text lives in message files (`locales/<lang>/<namespace>.json`),
 * so a translation is a file, not a code change. The language is the browser's when a message file
 * exists for it, else English. Dates and numbers are formatted with Intl in that language.
 */
import i18next, { type Resource } from 'i18next';
import { initReactI18next } from 'react-i18next';

export async function startI18n(resources: Resource, defaultNS: string): Promise<typeof i18next> {
  const available = Object.keys(resources);
  const wanted = (navigator.languages ?? [navigator.language]).map((l) => l.split('-')[0]!);
  const lng = wanted.find((l) => available.includes(l)) ?? 'en';
  await i18next.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'en',
    defaultNS,
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  document.documentElement.lang = lng;
  return i18next;
}

/** Collects `locales/<lang>/<ns>.json` files (from import.meta.glob) into i18next resources. */
export function resourcesFrom(files: Record<string, unknown>): Resource {
  const out: Resource = {};
  for (const [path, mod] of Object.entries(files)) {
    const m = /locales\/([a-z]{2})\/([a-z-]+)\.json$/.exec(path);
    if (!m) continue;
    const [, lang, ns] = m as unknown as [string, string, string];
    (out[lang] ??= {})[ns] = ((mod as { default?: unknown }).default ?? mod) as Record<string, string>;
  }
  return out;
}

/**
 * The locale for dates and numbers: the browser's own (en-GB, de-CH) when its language is the
 * one shown, so a British user gets British dates from English messages.
 */
function formatLocale(): string {
  const lang = i18next.language;
  return (navigator.languages ?? [navigator.language]).find((l) => l.split('-')[0] === lang) ?? lang;
}

export function formatDate(iso: string | null | undefined, withTime = false): string {
  if (!iso) return '';
  const d = new Date(iso);
  return new Intl.DateTimeFormat(formatLocale(), {
    dateStyle: 'medium',
    ...(withTime ? { timeStyle: 'short' } : {}),
  }).format(d);
}

export function formatNumber(n: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(formatLocale(), options).format(n);
}
