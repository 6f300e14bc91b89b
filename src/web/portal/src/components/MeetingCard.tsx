/**
 * One meeting of an application: when, how (in person: where; by video: the link), the agenda, who
 * takes part and their answers, and, for an invited participant of a meeting still ahead, "confirm"
 * and "decline" with an optional comment (read-only users may answer: it is their attendance).
 */
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../../ui/api.ts';
import { Alert, Button } from '../../../ui/components.tsx';
import { formatDate, formatNumber } from '../../../ui/i18n.ts';
import type { ClientMeeting } from '../types.ts';
import { problemText } from '../use-load.ts';
import { Tag, TextArea } from './controls.tsx';

export function MeetingCard(props: { meeting: ClientMeeting; onChanged: (m: ClientMeeting) => void }) {
  const { t } = useTranslation('meetings');
  const m = props.meeting;
  const headingId = useId();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<'confirmed' | 'declined' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const answer = async (response: 'confirmed' | 'declined') => {
    setBusy(response);
    setError(null);
    try {
      const r = await api<ClientMeeting>(
        `/api/v1/applications/${m.applicationId}/meetings/${m.id}/response`,
        {
          method: 'POST',
          body: { response, ...(comment.trim() ? { comment: comment.trim() } : {}) },
        },
      );
      setComment('');
      props.onChanged(r);
    } catch (err) {
      setError(problemText(err, t('common:unavailable')));
    } finally {
      setBusy(null);
    }
  };

  const mine = m.myResponse?.response ?? null;
  return (
    <article className="portal-card" aria-labelledby={headingId}>
      <h3 id={headingId}>
        {t(`mode.${m.mode}`)}: {formatDate(m.startsAt, true)}
      </h3>
      <dl className="portal-dl">
        <dt>{t('duration')}</dt>
        <dd>{t('minutes', { n: formatNumber(m.durationMinutes) })}</dd>
        {m.mode === 'in_person' && m.location ? (
          <>
            <dt>{t('location')}</dt>
            <dd>{m.location}</dd>
          </>
        ) : null}
        {m.mode === 'video' && m.videoUrl ? (
          <>
            <dt>{t('videoLink')}</dt>
            <dd className="portal-wrap">
              <a href={m.videoUrl} target="_blank" rel="noopener noreferrer">
                {m.videoUrl}
              </a>
            </dd>
          </>
        ) : null}
        {m.agenda ? (
          <>
            <dt>{t('agenda')}</dt>
            <dd className="portal-pre">{m.agenda}</dd>
          </>
        ) : null}
        <dt>{t('status')}</dt>
        <dd>{t(`statuses.${m.status}`)}</dd>
        <dt>{t('participants')}</dt>
        <dd>
          <ul className="portal-list">
            {m.participants.map((p, i) => (
              <li key={i}>
                {p.me ? t('you', { name: p.displayName }) : p.displayName}
                {p.response ? ` (${t(`responses.${p.response}`)})` : ''}
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      {mine && mine !== 'pending' ? (
        <p>
          <Tag kind={mine === 'confirmed' ? 'done' : 'warn'}>{t(`yourResponse.${mine}`)}</Tag>
        </p>
      ) : null}
      {error ? <Alert kind="error">{error}</Alert> : null}
      {m.abilities.respond ? (
        <div className="portal-respond">
          <TextArea
            label={t('comment')}
            optional
            rows={2}
            maxLength={500}
            value={comment}
            onChange={setComment}
          />
          <div className="portal-actions">
            <Button onClick={() => void answer('confirmed')} busy={busy === 'confirmed'}>
              {t('confirm')}
            </Button>
            <Button kind="secondary" onClick={() => void answer('declined')} busy={busy === 'declined'}>
              {t('decline')}
            </Button>
          </div>
        </div>
      ) : null}
    </article>
  );
}
