/** A staff user's identities at the configured providers, for administrators (no subject shown). */
import type { Ctx } from '../../../platform/context.ts';
import type { SsoRegistry } from './sso-providers.ts';
import { listIdentitiesOfUser } from './sso.repository.ts';

export interface SsoIdentityView {
  provider: string;
  /** The provider's display name; the id when it is no longer configured. */
  providerName: string;
  linkedAt: string;
  lastSignInAt: string | null;
}

export async function listSsoIdentities(
  ctx: Pick<Ctx, 'db'>,
  registry: SsoRegistry,
  userId: string,
): Promise<SsoIdentityView[]> {
  return (await listIdentitiesOfUser(ctx.db, userId)).map((r) => ({
    provider: r.provider,
    providerName: registry.get(r.provider)?.settings.displayName ?? r.provider,
    linkedAt: r.created_at.toISOString(),
    lastSignInAt: r.last_sign_in_at?.toISOString() ?? null,
  }));
}
