/**
 * Security notices to a client user by e-mail (ASVS 6.3.7): after their password or second factors
 * change, so someone who took over the account cannot do it unseen. The notice names the change and
 * the time, nothing else; a mail failure never undoes the change (it is logged by the mailer).
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { InvitationMailDeps } from './invitations.ts';

export type ClientNotice =
  'password_changed' | 'factor_enrolled' | 'factor_removed' | 'passkey_added' | 'passkey_removed';

const WHAT: Record<ClientNotice, string> = {
  password_changed: 'The password of your client portal account was changed.',
  factor_enrolled: 'An authenticator app was added to your client portal account.',
  factor_removed: 'The authenticator app was removed from your client portal account.',
  passkey_added: 'A passkey was added to your client portal account.',
  passkey_removed: 'A passkey was removed from your client portal account.',
};

export async function notifyClientUser(
  deps: Pick<InvitationMailDeps, 'mailer' | 'firmName'>,
  db: Kysely<DB>,
  userId: string,
  notice: ClientNotice,
  now: Date = new Date(),
): Promise<boolean> {
  const user = await db
    .selectFrom('client_users')
    .select(['email', 'display_name'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) return false;
  const product = deps.firmName || 'Dossier';
  try {
    await deps.mailer.send({
      to: user.email,
      subject: `${product}: a change to your client portal account`,
      text:
        `Hello ${user.display_name},\n\n${WHAT[notice]} (${now.toISOString().slice(0, 16).replace('T', ' ')} UTC)\n\n` +
        `If this was not you, contact your case officer at ${product} at once.\n\n-- ${product}`,
    });
    return true;
  } catch {
    return false;
  }
}
