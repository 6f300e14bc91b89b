import type { ConfigurationRow } from './configuration.repository.ts';
import type {
  ConfigurationContent,
  ConfigurationSummaryView,
  ConfigurationVersionView,
} from './configuration.schema.ts';
import { hex } from './configuration-content.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentSummary(r: Omit<ConfigurationRow, 'content'>): ConfigurationSummaryView {
  return {
    id: r.id,
    programmeId: r.programme_id,
    version: r.version,
    state: r.state,
    contentHash: hex(r.content_hash),
    note: r.note,
    createdAt: r.created_at.toISOString(),
    createdBy: r.created_by,
    updatedAt: r.updated_at.toISOString(),
    publishedAt: iso(r.published_at),
    publishedBy: r.published_by,
  };
}

export function presentVersion(r: ConfigurationRow): ConfigurationVersionView {
  return { ...presentSummary(r), content: r.content as ConfigurationContent };
}
