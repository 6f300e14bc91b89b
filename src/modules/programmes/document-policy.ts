/**
 * A programme's document policy as configured: document types with unique codes, and an extension
 * allow-list from which active content (HTML, SVG, scripts, executables, macro documents) can never
 * be enabled, whatever an administrator types.
 */
import type { DocumentTypeDef } from '../../db/types.ts';
import { validationError } from '../../platform/errors.ts';
import { validateAllowList } from '../documents/inspection/index.ts';
import type { DocumentTypeInput } from './programme.schema.ts';

export function checkedDocumentTypes(input: readonly DocumentTypeInput[]): DocumentTypeDef[] {
  const seen = new Set<string>();
  for (const t of input) {
    if (seen.has(t.code))
      throw validationError(`document type "${t.code}" is listed twice`, [
        { path: '/documentTypes', message: `duplicate code ${t.code}` },
      ]);
    seen.add(t.code);
  }
  return input.map((t) => ({
    code: t.code,
    label: t.label.trim(),
    appliesTo: [...t.appliesTo].sort(),
    required: t.required === true,
    expires: t.expires === true,
  }));
}

export function checkedExtensions(input: readonly string[] | null): string[] | null {
  if (input === null) return null;
  try {
    return validateAllowList([...input]).sort();
  } catch (err) {
    throw validationError((err as Error).message, [
      { path: '/documentExtensions', message: (err as Error).message },
    ]);
  }
}
