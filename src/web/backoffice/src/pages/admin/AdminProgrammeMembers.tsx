/**
 * Programme membership (right `programme:members`): who may see each programme's data. Choose a
 * programme, see its members, add staff users (picked from the user list, which needs
 * `user:manage`) or remove them. The API replaces the whole member list; changes apply on the
 * member's next request and may ask for the second factor again.
 */
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../../ui/api.ts';
import { Alert, Button, PageTitle } from '../../../../ui/components.tsx';
import { formatDate } from '../../../../ui/i18n.ts';
import { useSession } from '../../session.tsx';
import {
  ConfirmAction,
  ProblemAlert,
  SelectField,
  useAction,
  useLoad,
  type StaffUserView,
} from './admin-ui.tsx';

interface Programme {
  id: string;
  name: string;
}
interface Member {
  userId: string;
  username: string;
  displayName: string;
  since: string;
}

export function AdminProgrammeMembers() {
  const { t } = useTranslation('admin');
  const { can } = useSession();
  const programmes = useLoad<{ items: Programme[] }>(
    can('programme:read') ? '/api/v1/programmes?limit=200' : null,
  );
  const [programmeId, setProgrammeId] = useState('');
  const programme = programmes.data?.items.find((p) => p.id === programmeId) ?? null;

  return (
    <>
      <PageTitle>{t('members.title')}</PageTitle>
      <p>{t('members.intro')}</p>
      <ProblemAlert error={programmes.error} />
      {!can('programme:read') ? (
        <Alert kind="info">{t('members.needsProgrammeRead')}</Alert>
      ) : programmes.data === null ? (
        <p role="status">{t('common.loading')}</p>
      ) : (
        <SelectField
          label={t('members.programme')}
          name="programme"
          value={programmeId}
          onChange={setProgrammeId}
        >
          <option value="">{t('common.choose')}</option>
          {programmes.data.items.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </SelectField>
      )}
      {programme ? <Members key={programme.id} programme={programme} /> : null}
    </>
  );
}

function Members(props: { programme: Programme }) {
  const { t } = useTranslation('admin');
  const { can } = useSession();
  const members = useLoad<{ items: Member[] }>(`/api/v1/programmes/${props.programme.id}/members`);
  const users = useLoad<{ items: StaffUserView[] }>(
    can('user:manage') ? '/api/v1/users?limit=200&status=active' : null,
  );
  const action = useAction();
  const [adding, setAdding] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const [current, setCurrent] = useState<Member[] | null>(null);
  const list = current ?? members.data?.items ?? null;

  const replace = async (key: string, userIds: string[], ok: string) => {
    setMessage(null);
    const r = await action.run(key, () =>
      api<{ items: Member[] }>(`/api/v1/programmes/${props.programme.id}/members`, {
        method: 'PUT',
        body: { userIds },
      }),
    );
    if (!r) return;
    setCurrent(r.items);
    setMessage(ok);
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!list || !adding) return;
    const who = users.data?.items.find((u) => u.id === adding);
    await replace(
      'add',
      [...list.map((m) => m.userId), adding],
      t('members.added', { name: who?.username ?? '', programme: props.programme.name }),
    );
    setAdding('');
  };
  const candidates = users.data?.items.filter((u) => !list?.some((m) => m.userId === u.id)) ?? [];

  return (
    <section aria-labelledby="members-title">
      <h2 id="members-title">{t('members.membersOf', { name: props.programme.name })}</h2>
      {message ? <Alert kind="success">{message}</Alert> : null}
      <ProblemAlert error={action.error ?? members.error ?? users.error} />
      {list === null ? (
        <p role="status">{t('common.loading')}</p>
      ) : list.length === 0 ? (
        <p>{t('members.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="admin-sr-only">
              {t('members.membersOf', { name: props.programme.name })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('users.username')}</th>
                <th scope="col">{t('users.displayName')}</th>
                <th scope="col">{t('members.since')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr key={m.userId}>
                  <th scope="row">{m.username}</th>
                  <td>{m.displayName}</td>
                  <td>{formatDate(m.since)}</td>
                  <td>
                    <ConfirmAction
                      label={t('members.remove', { name: m.username })}
                      question={t('members.removeQuestion', {
                        name: m.username,
                        programme: props.programme.name,
                      })}
                      confirmLabel={t('members.removeConfirm')}
                      busy={action.busy === `remove-${m.userId}`}
                      onConfirm={() =>
                        replace(
                          `remove-${m.userId}`,
                          list.filter((x) => x.userId !== m.userId).map((x) => x.userId),
                          t('members.removed', { name: m.username, programme: props.programme.name }),
                        )
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {can('user:manage') ? (
        <form onSubmit={(e) => void add(e)} noValidate className="admin-inline-form">
          <SelectField label={t('members.addLabel')} name="add-member" value={adding} onChange={setAdding}>
            <option value="">{t('common.choose')}</option>
            {candidates.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName} ({u.username})
              </option>
            ))}
          </SelectField>
          <Button type="submit" busy={action.busy === 'add'} disabled={!adding}>
            {t('members.add')}
          </Button>
        </form>
      ) : (
        <p className="hint">{t('members.addNeedsUserManage')}</p>
      )}
    </section>
  );
}
