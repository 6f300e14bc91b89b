/**
 * The signed-in user's sessions and second factors: every live session (this one marked), sign out
 * of one or of all the others; how many recovery codes are left and a new set (a sensitive action:
 * the API asks for a fresh second factor, which the step-up prompt collects).
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../../ui/api.ts';
import { Alert, Button, PageTitle } from '../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../ui/i18n.ts';
import { useStepUp } from '../step-up.tsx';

interface SessionItem {
  id: string;
  stage: string;
  current: boolean;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  secondFactor: string | null;
  ip: string | null;
  userAgent: string | null;
}

interface Factors {
  totp: { confirmedAt: string } | null;
  totpPending: boolean;
  sms: { mobile: string } | null;
  smsWarning: string;
  recoveryCodesRemaining: number;
}

/** A short, readable name for a browser's user agent (the full string stays in the title). */
function browserName(ua: string | null): string {
  if (!ua) return '';
  const m = /(Edg|Firefox|Chrome|Chromium|Safari)\/([\d]+)/.exec(ua);
  const os = /(Windows|Mac OS X|Linux|Android|iPhone|iPad)/.exec(ua)?.[1];
  return m ? `${m[1] === 'Edg' ? 'Edge' : m[1]} ${m[2]}${os ? ` (${os})` : ''}` : ua.slice(0, 60);
}

export function Sessions() {
  const { t } = useTranslation('sessions');
  const withStepUp = useStepUp();
  const [items, setItems] = useState<SessionItem[] | null>(null);
  const [factors, setFactors] = useState<Factors | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);

  const load = useCallback(async () => {
    try {
      const [s, f] = await Promise.all([
        api<{ items: SessionItem[] }>('/api/v1/auth/sessions'),
        api<Factors>('/api/v1/auth/factors'),
      ]);
      setItems(s.items);
      setFactors(f);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const act = async (key: string, change: () => Promise<string>) => {
    setBusy(key);
    setError(null);
    setDone(null);
    try {
      setDone(await change());
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };

  const end = (s: SessionItem) =>
    act(`end:${s.id}`, async () => {
      await api(`/api/v1/auth/sessions/${s.id}`, { method: 'DELETE' });
      return t('ended');
    });
  const others = (items ?? []).filter((s) => !s.current);
  const endOthers = () =>
    act('others', async () => {
      for (const s of others) await api(`/api/v1/auth/sessions/${s.id}`, { method: 'DELETE' });
      return t('endedOthers', { count: others.length });
    });
  const newCodes = () =>
    act('codes', async () => {
      const r = await withStepUp(() =>
        api<{ codes: string[] }>('/api/v1/auth/factors/recovery-codes', { method: 'POST' }),
      );
      setCodes(r.codes);
      return t('codes.made');
    });

  return (
    <>
      <PageTitle>{t('title')}</PageTitle>
      {error ? <Alert kind="error">{error}</Alert> : null}
      {done ? <Alert kind="success">{done}</Alert> : null}

      <section aria-labelledby="sessions-list">
        <h2 id="sessions-list">{t('listTitle')}</h2>
        {items === null ? (
          error ? null : (
            <p role="status">{t('loading')}</p>
          )
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('col.browser')}</th>
                  <th scope="col">{t('col.ip')}</th>
                  <th scope="col">{t('col.started')}</th>
                  <th scope="col">{t('col.lastSeen')}</th>
                  <th scope="col">{t('col.factor')}</th>
                  <th scope="col">{t('col.action')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <tr key={s.id}>
                    <th scope="row" title={s.userAgent ?? undefined}>
                      {browserName(s.userAgent) || t('unknownBrowser')}
                      {s.current ? <span className="sessions-current"> {t('current')}</span> : null}
                    </th>
                    <td>{s.ip ?? ''}</td>
                    <td>{formatDate(s.createdAt, true)}</td>
                    <td>{formatDate(s.lastSeenAt, true)}</td>
                    <td>{t(`factor.${s.secondFactor ?? 'none'}`, { defaultValue: s.secondFactor ?? '' })}</td>
                    <td>
                      {s.current ? (
                        t('thisOne')
                      ) : (
                        <Button kind="secondary" busy={busy === `end:${s.id}`} onClick={() => void end(s)}>
                          {t('end', { started: formatDate(s.createdAt, true) })}
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {others.length ? (
          <p>
            <Button kind="danger" busy={busy === 'others'} onClick={() => void endOthers()}>
              {t('endOthers')}
            </Button>
          </p>
        ) : null}
      </section>

      {factors ? (
        <section aria-labelledby="sessions-factors">
          <h2 id="sessions-factors">{t('factors.title')}</h2>
          <ul>
            <li>
              {factors.totp
                ? t('factors.totpOn', { when: formatDate(factors.totp.confirmedAt) })
                : t('factors.totpOff')}
            </li>
            <li>{factors.sms ? t('factors.smsOn', { mobile: factors.sms.mobile }) : t('factors.smsOff')}</li>
            <li>
              {t('factors.recovery', {
                count: factors.recoveryCodesRemaining,
                n: formatNumber(factors.recoveryCodesRemaining),
              })}
            </li>
          </ul>
          {factors.sms ? <p className="hint">{factors.smsWarning}</p> : null}
          <p>
            <Button kind="secondary" busy={busy === 'codes'} onClick={() => void newCodes()}>
              {t('codes.make')}
            </Button>
          </p>
          {codes ? (
            <div className="sessions-codes">
              <Alert kind="info">{t('codes.once')}</Alert>
              <ul aria-label={t('codes.label')} className="sessions-code-list">
                {codes.map((c) => (
                  <li key={c}>
                    <code>{c}</code>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </section>
      ) : null}
    </>
  );
}
