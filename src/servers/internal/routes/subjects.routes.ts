/**
 * Subjects, their relationships and ownership. Reads need `subject:read`, changes `subject:write`;
 * `?reveal=true` (the sensitive fields in clear) also needs `subject:reveal-identifiers`. Every route
 * sees only the subjects of the actor's programmes (and those attached to its applications): lists
 * are filtered, and any other subject answers 404 (find-visible-subject.ts).
 */
import { Type } from 'typebox';
import {
  CreateRelationshipBody,
  CreateSubjectBody,
  OwnershipQuery,
  OwnershipView,
  ProbableDuplicateProblem,
  RelationshipView,
  SubjectGetQuery,
  SubjectListQuery,
  SubjectRelationshipView,
  SubjectSummaryView,
  SubjectView,
  UpdateSubjectBody,
  createRelationship,
  createSubject,
  deleteRelationship,
  getOwnership,
  getSubject,
  listSubjectRelationships,
  listSubjects,
  updateSubject,
} from '../../../modules/subjects/index.ts';
import { Page } from '../../../platform/pagination.ts';
import type { App } from '../../shared/create-http-app.ts';
import { IdParams } from './common.ts';

export async function subjectsRoutes(app: App): Promise<void> {
  app.get(
    '/subjects',
    {
      config: { access: 'subject:read' },
      schema: {
        tags: ['subjects'],
        querystring: SubjectListQuery,
        response: { 200: Page(SubjectSummaryView) },
      },
    },
    async (req) =>
      listSubjects(req.ctx, req.query, { method: req.method, route: req.routeOptions.url ?? req.url }),
  );
  app.post(
    '/subjects',
    {
      config: { access: 'subject:write' },
      schema: {
        tags: ['subjects'],
        body: CreateSubjectBody,
        // The 409 is declared so its `duplicates` list is part of the documented contract.
        response: { 201: Type.Object({ subject: SubjectView }), 409: ProbableDuplicateProblem },
      },
    },
    async (req, reply) => reply.code(201).send(await createSubject(req.ctx, req.body)),
  );
  app.get(
    '/subjects/:id',
    {
      config: { access: 'subject:read' },
      schema: {
        tags: ['subjects'],
        params: IdParams,
        querystring: SubjectGetQuery,
        response: { 200: SubjectView },
      },
    },
    async (req) =>
      getSubject(req.ctx, {
        id: req.params.id,
        reveal: req.query.reveal,
        origin: { method: req.method, route: req.routeOptions.url ?? req.url },
      }),
  );
  app.patch(
    '/subjects/:id',
    {
      config: { access: 'subject:write' },
      schema: {
        tags: ['subjects'],
        params: IdParams,
        body: UpdateSubjectBody,
        response: { 200: SubjectView },
      },
    },
    async (req) => updateSubject(req.ctx, { ...req.body, id: req.params.id }),
  );
  app.get(
    '/subjects/:id/relationships',
    {
      config: { access: 'subject:read' },
      schema: {
        tags: ['relationships'],
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(SubjectRelationshipView) }) },
      },
    },
    async (req) => ({ items: await listSubjectRelationships(req.ctx, { id: req.params.id }) }),
  );
  app.get(
    '/subjects/:id/ownership',
    {
      config: { access: 'subject:read' },
      schema: {
        tags: ['relationships'],
        params: IdParams,
        querystring: OwnershipQuery,
        response: { 200: OwnershipView },
      },
    },
    async (req) =>
      getOwnership(req.ctx, {
        id: req.params.id,
        threshold: req.query.threshold,
        programmeId: req.query.programmeId,
      }),
  );
  app.post(
    '/relationships',
    {
      config: { access: 'subject:write' },
      schema: { tags: ['relationships'], body: CreateRelationshipBody, response: { 201: RelationshipView } },
    },
    async (req, reply) => reply.code(201).send(await createRelationship(req.ctx, req.body)),
  );
  app.delete(
    '/relationships/:id',
    {
      config: { access: 'subject:write' },
      schema: { tags: ['relationships'], params: IdParams, response: { 200: RelationshipView } },
    },
    async (req) => deleteRelationship(req.ctx, { id: req.params.id }),
  );
}
