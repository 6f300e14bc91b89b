/**
 * Roles (right `role:manage`): every role with its rights, a form to create or change one (the
 * rights catalogue as grouped checkboxes, with descriptions), deleting a role nobody holds, and the
 * separation-of-duties rules with who breaks them. Refusals (separation of duties, rights the
 * administrator may not grant, second-factor skip on an administrative role) are explained as the
 * API gives them. Every change may ask for the second factor again.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../../ui/api.ts';
import { Alert, Button, Field, PageTitle } from '../../../../ui/components.tsx';
import { formatDate } from '../../../../ui/i18n.ts';
import {
  CheckField,
  ConfirmAction,
  fieldError,
  ProblemAlert,
  RightsPicker,
  SelectField,
  useAction,
  useLoad,
  type RightView,
  type RoleView,
} from './admin-ui.tsx';

interface SodRule {
  id: string;
  rightA: string;
  rightB: string;
  description: string;
  createdAt: string;
  createdBy: string;
  violations: { userId: string | null; rolesWithA: string[]; rolesWithB: string[] }[];
}

interface Draft {
  id: string | null;
  version: number;
  name: string;
  description: string;
  rights: string[];
  trustedNetworkSkip: boolean;
}

const EMPTY: Draft = {
  id: null,
  version: 0,
  name: '',
  description: '',
  rights: [],
  trustedNetworkSkip: false,
};

export function AdminRoles() {
  const { t } = useTranslation('admin');
  const catalogue = useLoad<{ items: RightView[] }>('/api/v1/rights');
  const roles = useLoad<{ items: RoleView[] }>('/api/v1/roles');
  const sod = useLoad<{ items: SodRule[] }>('/api/v1/separation-of-duties');
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [saved, setSaved] = useState<string | null>(null);
  const form = useAction();
  const list = useAction();
  const names = useMemo(() => new Map(roles.data?.items.map((r) => [r.id, r.name]) ?? []), [roles.data]);
  const roleName = (id: string) => names.get(id);
  const adminRights = useMemo(
    () => new Set(catalogue.data?.items.filter((r) => r.administrative).map((r) => r.right) ?? []),
    [catalogue.data],
  );
  const draftIsAdministrative = draft.rights.some((r) => adminRights.has(r));

  const edit = (r: RoleView) => {
    setSaved(null);
    form.setError(null);
    setDraft({
      id: r.id,
      version: r.version,
      name: r.name,
      description: r.description,
      rights: [...r.rights],
      trustedNetworkSkip: r.trustedNetworkSkip,
    });
    document.getElementById('role-form')?.scrollIntoView();
    document.getElementById('role-form-title')?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    const body = {
      name: draft.name,
      description: draft.description,
      rights: draft.rights,
      trustedNetworkSkip: draft.trustedNetworkSkip,
    };
    const result = await form.run('save', () =>
      draft.id
        ? api<RoleView>(`/api/v1/roles/${draft.id}`, {
            method: 'PATCH',
            body: { ...body, version: draft.version },
          })
        : api<RoleView>('/api/v1/roles', { method: 'POST', body }),
    );
    if (!result) return;
    setSaved(t(draft.id ? 'roles.updated' : 'roles.created', { name: result.name }));
    setDraft(EMPTY);
    roles.reload();
    sod.reload();
  };

  const remove = async (r: RoleView) => {
    setSaved(null);
    const done = await list.run(`delete-${r.id}`, () =>
      api(`/api/v1/roles/${r.id}`, { method: 'DELETE' }).then(() => true),
    );
    if (done) {
      setSaved(t('roles.deleted', { name: r.name }));
      if (draft.id === r.id) setDraft(EMPTY);
      roles.reload();
    }
  };

  return (
    <>
      <PageTitle>{t('roles.title')}</PageTitle>
      <p>{t('roles.intro')}</p>
      {saved ? <Alert kind="success">{saved}</Alert> : null}
      <ProblemAlert error={roles.error ?? catalogue.error ?? sod.error} />

      <section aria-labelledby="roles-list">
        <h2 id="roles-list">{t('roles.listTitle')}</h2>
        <ProblemAlert error={list.error} roleName={roleName} />
        {roles.data === null ? (
          <p role="status">{t('common.loading')}</p>
        ) : (
          <div className="table-wrap">
            <table>
              <caption className="admin-sr-only">{t('roles.listTitle')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('roles.name')}</th>
                  <th scope="col">{t('roles.rights')}</th>
                  <th scope="col">{t('roles.skip')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {roles.data.items.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">
                      {r.name}
                      {r.administrative ? (
                        <span className="admin-badge">{t('common.administrative')}</span>
                      ) : null}
                      {r.description ? <span className="admin-check-desc">{r.description}</span> : null}
                    </th>
                    <td>
                      <ul className="admin-tags" aria-label={t('roles.rightsOf', { name: r.name })}>
                        {r.rights.map((x) => (
                          <li key={x}>
                            <code>{x}</code>
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>{r.trustedNetworkSkip ? t('common.yes') : t('common.no')}</td>
                    <td>
                      <div className="admin-actions">
                        <Button kind="secondary" onClick={() => edit(r)}>
                          {t('roles.edit', { name: r.name })}
                        </Button>
                        <ConfirmAction
                          label={t('roles.delete', { name: r.name })}
                          question={t('roles.deleteQuestion', { name: r.name })}
                          confirmLabel={t('roles.deleteConfirm')}
                          busy={list.busy === `delete-${r.id}`}
                          onConfirm={() => remove(r)}
                        />
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="role-form-title" id="role-form">
        <h2 id="role-form-title" tabIndex={-1}>
          {draft.id ? t('roles.editTitle', { name: draft.name }) : t('roles.createTitle')}
        </h2>
        <ProblemAlert error={form.error} roleName={roleName} />
        {catalogue.data ? (
          <form onSubmit={(e) => void submit(e)} noValidate>
            <Field
              label={t('roles.name')}
              name="name"
              value={draft.name}
              onChange={(name) => setDraft({ ...draft, name })}
              error={fieldError(form.error, 'name')}
              required
            />
            <Field
              label={t('roles.description')}
              name="description"
              value={draft.description}
              onChange={(description) => setDraft({ ...draft, description })}
              error={fieldError(form.error, 'description')}
            />
            <RightsPicker
              legend={t('roles.rights')}
              catalogue={catalogue.data.items}
              value={draft.rights}
              onChange={(rights) => setDraft({ ...draft, rights })}
              error={fieldError(form.error, 'rights')}
            />
            <CheckField
              label={t('roles.skipLabel')}
              name="trustedNetworkSkip"
              checked={draft.trustedNetworkSkip}
              onChange={(trustedNetworkSkip) => setDraft({ ...draft, trustedNetworkSkip })}
              hint={draftIsAdministrative ? t('roles.skipAdministrative') : t('roles.skipHint')}
            />
            {fieldError(form.error, 'trustedNetworkSkip') ? (
              <p className="field-error">{fieldError(form.error, 'trustedNetworkSkip')}</p>
            ) : null}
            <div className="admin-actions">
              <Button type="submit" busy={form.busy === 'save'}>
                {draft.id ? t('roles.save') : t('roles.create')}
              </Button>
              {draft.id ? (
                <Button kind="secondary" onClick={() => setDraft(EMPTY)}>
                  {t('common.cancel')}
                </Button>
              ) : null}
            </div>
          </form>
        ) : (
          <p role="status">{t('common.loading')}</p>
        )}
      </section>

      <SeparationOfDuties
        rules={sod.data?.items ?? null}
        catalogue={catalogue.data?.items ?? []}
        roleName={roleName}
        reload={sod.reload}
      />
    </>
  );
}

function SeparationOfDuties(props: {
  rules: SodRule[] | null;
  catalogue: RightView[];
  roleName: (id: string) => string | undefined;
  reload: () => void;
}) {
  const { t } = useTranslation('admin');
  const action = useAction();
  const [rightA, setRightA] = useState('');
  const [rightB, setRightB] = useState('');
  const [description, setDescription] = useState('');
  const [saved, setSaved] = useState<string | null>(null);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(null);
    const r = await action.run('add', () =>
      api<SodRule>('/api/v1/separation-of-duties', {
        method: 'POST',
        body: { rightA, rightB, ...(description ? { description } : {}) },
      }),
    );
    if (!r) return;
    setSaved(t('sod.added', { a: r.rightA, b: r.rightB }));
    setRightA('');
    setRightB('');
    setDescription('');
    props.reload();
  };
  const remove = async (rule: SodRule) => {
    setSaved(null);
    const ok = await action.run(`remove-${rule.id}`, () =>
      api(`/api/v1/separation-of-duties/${rule.id}`, { method: 'DELETE' }).then(() => true),
    );
    if (ok) {
      setSaved(t('sod.removed', { a: rule.rightA, b: rule.rightB }));
      props.reload();
    }
  };
  const options = (
    <>
      <option value="">{t('common.choose')}</option>
      {props.catalogue.map((r) => (
        <option key={r.right} value={r.right}>
          {r.right}
        </option>
      ))}
    </>
  );

  return (
    <section aria-labelledby="sod-title">
      <h2 id="sod-title">{t('sod.title')}</h2>
      <p>{t('sod.intro')}</p>
      {saved ? <Alert kind="success">{saved}</Alert> : null}
      <ProblemAlert error={action.error} roleName={props.roleName} />
      {props.rules === null ? (
        <p role="status">{t('common.loading')}</p>
      ) : props.rules.length === 0 ? (
        <p>{t('sod.none')}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="admin-sr-only">{t('sod.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sod.pair')}</th>
                <th scope="col">{t('sod.description')}</th>
                <th scope="col">{t('sod.breaches')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {props.rules.map((rule) => (
                <tr key={rule.id}>
                  <th scope="row">
                    <code>{rule.rightA}</code> × <code>{rule.rightB}</code>
                  </th>
                  <td>
                    {rule.description}
                    <span className="admin-check-desc">
                      {t('common.since', { date: formatDate(rule.createdAt) })}
                    </span>
                  </td>
                  <td>
                    {rule.violations.length === 0 ? (
                      t('sod.nobody')
                    ) : (
                      <ul>
                        {rule.violations.map((v, i) => (
                          <li key={i}>
                            {v.userId === null ? t('common.sod.aRole') : t('common.sod.aUser')}:{' '}
                            {[...new Set([...v.rolesWithA, ...v.rolesWithB])]
                              .map((id) => props.roleName(id) ?? id)
                              .join(', ')}
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>
                    <ConfirmAction
                      label={t('sod.remove')}
                      question={t('sod.removeQuestion', { a: rule.rightA, b: rule.rightB })}
                      confirmLabel={t('sod.removeConfirm')}
                      busy={action.busy === `remove-${rule.id}`}
                      onConfirm={() => remove(rule)}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form onSubmit={(e) => void add(e)} noValidate className="admin-inline-form">
        <SelectField
          label={t('sod.rightA')}
          name="rightA"
          value={rightA}
          onChange={setRightA}
          error={fieldError(action.error, 'rightA')}
        >
          {options}
        </SelectField>
        <SelectField
          label={t('sod.rightB')}
          name="rightB"
          value={rightB}
          onChange={setRightB}
          error={fieldError(action.error, 'rightB')}
        >
          {options}
        </SelectField>
        <Field
          label={t('sod.description')}
          name="sod-description"
          value={description}
          onChange={setDescription}
        />
        <Button type="submit" busy={action.busy === 'add'}>
          {t('sod.add')}
        </Button>
      </form>
    </section>
  );
}
