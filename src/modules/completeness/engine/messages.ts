/**
 * Default English text of the missing items' message keys, with `{placeholders}` filled from the
 * item. Screens may translate by key; these are the fallback and what e-mails and the CLI show.
 */
import type { MissingItem } from './evaluate-completeness.ts';
import type { MissingReason, RequirementKind } from './requirements.schema.ts';

type Key = `completeness.${RequirementKind}.${MissingReason}`;

export const DEFAULT_MESSAGES: Readonly<Partial<Record<Key, string>>> = {
  'completeness.field.missing': '{label}: the field {key} is empty',
  'completeness.document.missing': '{label}: no document of type {types}',
  'completeness.document.invalid': '{label}: the only document of type {types} was marked invalid',
  'completeness.document.unverified': '{label}: the document of type {types} is not verified yet',
  'completeness.document.expired': '{label}: the document expired on {expiresOn}',
  'completeness.document.too_old':
    '{label}: the document must be issued within {maxAgeDays} days (issued {issuedOn})',
  'completeness.questionnaire.missing': '{label}: the questionnaire {key} is not started',
  'completeness.questionnaire.draft_only':
    '{label}: the questionnaire {key} is saved as a draft, not submitted',
  'completeness.screening.not_screened': '{label}: never screened',
  'completeness.screening.too_old':
    '{label}: last screened on {lastScreenedOn}, more than {withinDays} days ago',
  'completeness.screening.unresolved_alerts': '{label}: {unresolvedAlerts} screening alert(s) not resolved',
  'completeness.ownership.ownership_incomplete': '{label}: ownership incomplete ({key})',
};

/** The default English sentence for an item (the message key itself when no text is known). */
export function formatMissingItem(item: MissingItem): string {
  const template = DEFAULT_MESSAGES[item.messageKey as Key];
  if (!template) return item.messageKey;
  const values: Record<string, string> = {
    label: item.label,
    key: item.key ?? '',
    types: (item.detail.acceptedTypes ?? []).join(' or '),
    expiresOn: item.detail.expiresOn ?? 'unknown',
    issuedOn: item.detail.issuedOn ?? 'unknown',
    maxAgeDays: String(item.detail.maxAgeDays ?? ''),
    lastScreenedOn: item.detail.lastScreenedOn ?? 'never',
    withinDays: String(item.detail.withinDays ?? ''),
    unresolvedAlerts: String(item.detail.unresolvedAlerts ?? 0),
  };
  return template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? '');
}
