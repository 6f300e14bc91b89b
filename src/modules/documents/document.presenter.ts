/** Documents as the API shows them: an allow-list of fields, the expiry status computed for today. */
import type { DocumentTypeDef, Row } from '../../db/types.ts';
import type { DocumentRow, VersionRow } from './document.repository.ts';
import type { DocumentVersionView, DocumentView } from './document.schema.ts';

type ProgrammePolicy = Pick<Row<'programmes'>, 'document_types' | 'document_expiry_notice_days'>;

/** Today as YYYY-MM-DD (UTC): expiry dates are calendar dates. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDay(d);
}

export function expiryStatus(
  expiryDate: string | null,
  noticeDays: number,
  today: string,
): 'none' | 'valid' | 'expiring' | 'expired' {
  if (!expiryDate) return 'none';
  if (expiryDate < today) return 'expired';
  return expiryDate <= addDays(today, noticeDays) ? 'expiring' : 'valid';
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentVersion(v: VersionRow, current: number): DocumentVersionView {
  return {
    number: v.number,
    filename: v.filename,
    extension: v.extension,
    mediaType: v.media_type,
    size: Number(v.size),
    sha256: Buffer.from(v.sha256).toString('hex'),
    scan: v.scan_status,
    scanEngine: v.scan_engine,
    uploadedBy: v.uploaded_by,
    uploadedAt: v.uploaded_at.toISOString(),
    current: v.number === current,
  };
}

export function typeLabel(types: readonly DocumentTypeDef[], code: string): string {
  return types.find((t) => t.code === code)?.label ?? code;
}

export function presentDocument(
  d: DocumentRow,
  currentVersion: VersionRow,
  programme: ProgrammePolicy,
  applicationIds: string[],
  today: string,
): DocumentView {
  return {
    id: d.id,
    subjectId: d.subject_id,
    programmeId: d.programme_id,
    type: d.document_type,
    typeLabel: typeLabel(programme.document_types, d.document_type),
    issueDate: d.issue_date,
    expiryDate: d.expiry_date,
    expiry: {
      status: expiryStatus(d.expiry_date, programme.document_expiry_notice_days, today),
      noticeDays: programme.document_expiry_notice_days,
    },
    validity: d.validity,
    invalidReason: d.invalid_reason,
    validitySetBy: d.validity_set_by,
    validitySetAt: iso(d.validity_set_at),
    physicalCopySeen: d.physical_copy_seen,
    physicalCopySeenBy: d.physical_copy_seen_by,
    physicalCopySeenAt: iso(d.physical_copy_seen_at),
    currentVersion: d.current_version,
    file: presentVersion(currentVersion, d.current_version),
    applicationIds,
    version: d.version,
    createdBy: d.created_by,
    createdAt: d.created_at.toISOString(),
    updatedAt: d.updated_at.toISOString(),
  };
}
