/**
 * A small horizontal bar chart for the dashboard. Each bar is a row of text (the label, a link into
 * the list it counts, and the number) with an SVG bar beside it that is hidden from assistive
 * technology: the numbers are read as text, so the chart needs no separate data table. The bar's
 * width is an SVG attribute (no style injection), so it works under the strict CSP.
 */
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { formatNumber } from '../../../ui/i18n.ts';

export interface Bar {
  key: string;
  label: string;
  value: number;
  /** Where the bar's list is (a route of the back office); plain text when absent. */
  to?: string | null;
  /** A tone for bars that call for attention (drawn darker, named in the label text anyway). */
  tone?: 'normal' | 'warn';
}

export function BarChart(props: { title: string; bars: Bar[]; empty?: ReactNode; titleId?: string }) {
  const max = Math.max(1, ...props.bars.map((b) => b.value));
  const total = props.bars.reduce((n, b) => n + b.value, 0);
  return (
    <figure className="dash-chart">
      <figcaption className="dash-chart-title">{props.title}</figcaption>
      {total === 0 && props.empty ? (
        <p className="hint">{props.empty}</p>
      ) : (
        <ul className="dash-bars">
          {props.bars.map((b) => (
            <li key={b.key} className="dash-bar-row">
              <span className="dash-bar-label">{b.to ? <Link to={b.to}>{b.label}</Link> : b.label}</span>
              <svg
                className="dash-bar"
                viewBox="0 0 100 12"
                preserveAspectRatio="none"
                aria-hidden="true"
                focusable="false"
              >
                <rect className="dash-bar-track" x="0" y="0" width="100" height="12" />
                <rect
                  className={b.tone === 'warn' ? 'dash-bar-fill dash-bar-warn' : 'dash-bar-fill'}
                  x="0"
                  y="0"
                  width={(b.value / max) * 100}
                  height="12"
                />
              </svg>
              <span className="dash-bar-value">{formatNumber(b.value)}</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
