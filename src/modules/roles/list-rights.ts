import { presentRights } from './role.presenter.ts';
import type { RightView } from './role.schema.ts';

/** The rights catalogue with descriptions, for composing roles; the same for every caller. */
export function listRights(): RightView[] {
  return presentRights();
}
