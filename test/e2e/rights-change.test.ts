/**
 * Role changes take effect on the next request (issue 4, item 6): a signed-in user whose role loses
 * a right is refused at once, and regains access when the right comes back; removing the role does
 * the same. No cache stands in the way (the session check reads roles on every request).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRole, setUserRoles, updateRole } from '../../src/modules/roles/index.ts';
import { backends } from '../support/db.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { browser, controlClock, createStaff, signInWithTotp } from '../support/auth.ts';

for (const backend of backends) {
  describe(`rights changes apply on the next request [${backend.kind}]`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(backend);
    });
    after(() => t.close());

    it('a role losing a right, and a user losing a role', async () => {
      const clock = controlClock(t);
      const role = await createRole(t.ctx, { name: 'Readers', description: '', rights: ['subject:read'] });
      const u = await createStaff(t, { totp: true, roleIds: [role.id] });
      const s = await signInWithTotp(t, u, clock);
      const list = () => browser(t, 'GET', '/api/v1/subjects', { cookie: s.token });
      assert.equal((await list()).statusCode, 200);

      const narrowed = await updateRole(t.ctx, {
        id: role.id,
        version: role.version,
        rights: ['programme:read'],
      });
      assert.equal((await list()).statusCode, 403);
      const widened = await updateRole(t.ctx, {
        id: role.id,
        version: narrowed.version,
        rights: ['programme:read', 'subject:read'],
      });
      assert.equal(widened.rights.includes('subject:read'), true);
      assert.equal((await list()).statusCode, 200);

      await setUserRoles(t.ctx, u.id, []);
      assert.equal((await list()).statusCode, 403);
      const session = await browser(t, 'GET', '/api/v1/auth/session', { cookie: s.token });
      assert.deepEqual(session.json().user.rights, []);
    });
  });
}
