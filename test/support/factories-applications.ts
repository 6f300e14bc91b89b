/**
 * Factories for programmes, applications and what they reference. Subjects and staff users are
 * inserted directly (the subjects module is built separately); programmes and applications go
 * through their use cases so that tests start from states the product can actually reach.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB, Row } from '../../src/db/types.ts';
import type { Ctx } from '../../src/platform/context.ts';
import {
  createApplication,
  type ApplicationView,
  type CreateApplicationInput,
} from '../../src/modules/applications/index.ts';
import {
  createProgramme,
  type CreateProgrammeInput,
  type ProgrammeView,
} from '../../src/modules/programmes/index.ts';

let seq = 0;
const unique = (prefix: string) => `${prefix} ${++seq} ${randomUUID().slice(0, 8)}`;

/** Inserts a subject row; defaults to a person with a unique name. */
export async function makeSubject(
  db: Kysely<DB>,
  opts: { kind?: 'person' | 'entity'; displayName?: string } = {},
): Promise<Row<'subjects'>> {
  const now = new Date();
  const displayName = opts.displayName ?? unique(opts.kind === 'entity' ? 'Acme Ltd' : 'Ada Lovelace');
  return db
    .insertInto('subjects')
    .values({
      id: randomUUID(),
      kind: opts.kind ?? 'person',
      display_name: displayName,
      name_key: displayName.toLowerCase(),
      profile: JSON.stringify({}),
      version: 1,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Inserts a staff user; active unless told otherwise. */
export async function makeStaffUser(
  db: Kysely<DB>,
  opts: { status?: 'active' | 'disabled'; displayName?: string } = {},
): Promise<Row<'staff_users'>> {
  const username = unique('user').replaceAll(' ', '.').toLowerCase();
  return db
    .insertInto('staff_users')
    .values({
      id: randomUUID(),
      username,
      display_name: opts.displayName ?? 'Grace Hopper',
      email: `${username}@example.test`,
      status: opts.status ?? 'active',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Creates a programme through the use case: unique name, persons and entities, default status machine. */
export async function makeProgramme(
  ctx: Ctx,
  overrides: Partial<CreateProgrammeInput> = {},
): Promise<ProgrammeView> {
  return createProgramme(ctx, {
    name: unique('Programme'),
    allowedEntityTypes: ['person', 'entity'],
    ...overrides,
  });
}

/** Creates an application through the use case; a fresh programme and applicant person unless given. */
export async function makeApplication(
  ctx: Ctx,
  overrides: Partial<CreateApplicationInput> & { applicantId?: string } = {},
): Promise<ApplicationView> {
  const programmeId = overrides.programmeId ?? (await makeProgramme(ctx)).id;
  const applicantId = overrides.applicantId ?? (await makeSubject(ctx.db)).id;
  return createApplication(ctx, {
    programmeId,
    subjects: overrides.subjects ?? [{ subjectId: applicantId, role: 'applicant' }],
    ...(overrides.assigneeId ? { assigneeId: overrides.assigneeId } : {}),
  });
}

/** The audit events about one object, oldest first. */
export async function auditOf(
  db: Kysely<DB>,
  targetId: string,
): Promise<{ type: string; payload: Record<string, unknown> }[]> {
  return db
    .selectFrom('audit_events')
    .select(['type', 'payload'])
    .where('target_id', '=', targetId)
    .orderBy('seq')
    .execute();
}
