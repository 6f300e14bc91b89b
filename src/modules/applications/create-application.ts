import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import type { Ctx } from '../../platform/context.ts';
import { canSeeProgramme } from '../access/actor.ts';
import { validationError } from '../../platform/errors.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { findProgramme, initialStatus, machineOf } from '../programmes/index.ts';
import { visibleSubjectIds } from '../subjects/index.ts';
import {
  findActiveStaffUser,
  insertApplication,
  insertApplicationSubjects,
  nextReference,
  subjectKinds,
} from './application.repository.ts';
import type { ApplicationView, CreateApplicationBody } from './application.schema.ts';
import { loadApplicationView } from './load-application-view.ts';

/** What an application is created from: the request body, already schema-checked. */
export type CreateApplicationInput = CreateApplicationBody;

type Problem = { path: string; message: string };

/**
 * Opens an application under a programme, in the programme's initial status, with a fresh
 * `APP-nnnnnn` reference. The subjects must contain exactly one `applicant`, whose kind the
 * programme accepts. Ids in the input that name nothing (programme, subject, active staff user), or
 * nothing the actor may see (a programme it is not a member of, a subject it may not see), are
 * `validation` errors pointing at the field, not 404s: the URL itself named nothing missing.
 */
export async function createApplication(ctx: Ctx, input: CreateApplicationInput): Promise<ApplicationView> {
  const problems: Problem[] = [];
  const applicants = input.subjects.flatMap((s, i) => (s.role === 'applicant' ? [i] : []));
  if (applicants.length !== 1)
    problems.push({
      path: 'subjects',
      message: `exactly one applicant is required (found ${applicants.length})`,
    });
  const pairs = new Set<string>();
  input.subjects.forEach((s, i) => {
    const pair = `${s.subjectId}/${s.role}`;
    if (pairs.has(pair))
      problems.push({ path: `subjects/${i}`, message: `subject already listed as ${s.role}` });
    pairs.add(pair);
  });
  if (problems.length) throw validationError('invalid subjects', problems);

  const now = ctx.now();
  return inTransaction(ctx.db, async (tx) => {
    // FOR SHARE: the status machine cannot change under us until this application is committed.
    const programme = await findProgramme(tx, input.programmeId, 'share');
    if (!programme || !canSeeProgramme(ctx.actor, programme.id))
      throw validationError('unknown programme', [{ path: 'programmeId', message: 'no such programme' }]);
    const subjectIds = [...new Set(input.subjects.map((s) => s.subjectId))];
    const visible = await visibleSubjectIds(tx, ctx.actor, subjectIds);
    // A subject the actor may not see is treated as missing.
    const kinds = new Map([...(await subjectKinds(tx, subjectIds))].filter(([id]) => visible.has(id)));
    input.subjects.forEach((s, i) => {
      if (!kinds.has(s.subjectId))
        problems.push({ path: `subjects/${i}/subjectId`, message: 'no such subject' });
    });
    const applicantIndex = applicants[0]!;
    const applicantKind = kinds.get(input.subjects[applicantIndex]!.subjectId);
    if (applicantKind && !programme.allowed_entity_types.includes(applicantKind)) {
      problems.push({
        path: `subjects/${applicantIndex}/subjectId`,
        message: `this programme accepts applicants of kind ${programme.allowed_entity_types.join(', ')}, not ${applicantKind}`,
      });
    }
    if (input.assigneeId && !(await findActiveStaffUser(tx, input.assigneeId))) {
      problems.push({ path: 'assigneeId', message: 'no such active staff user' });
    }
    if (problems.length) throw validationError('invalid application', problems);

    const row = await insertApplication(tx, {
      id: randomUUID(),
      reference: await nextReference(tx),
      programme_id: programme.id,
      status: initialStatus(machineOf(programme)),
      assignee_id: input.assigneeId ?? null,
      version: 1,
      created_at: now,
      updated_at: now,
    });
    await insertApplicationSubjects(
      tx,
      input.subjects.map((s) => ({
        application_id: row.id,
        subject_id: s.subjectId,
        role: s.role,
        created_at: now,
      })),
    );
    const view = await loadApplicationView(tx, row);
    await appendAudit(tx, ctx, {
      type: 'application.created',
      target: { type: 'application', id: row.id },
      payload: {
        programmeId: programme.id,
        reference: row.reference,
        status: row.status,
        subjects: input.subjects.map((s) => ({ subjectId: s.subjectId, role: s.role })),
      },
    });
    return view;
  });
}
