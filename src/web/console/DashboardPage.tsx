import { keepPreviousData, useQuery } from '@tanstack/react-query';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef, useState } from 'react';
import type { Dashboard } from '../../shared/contracts/reporting.ts';
import { formatMoney } from '../../shared/money.ts';
import { CampaignSelect } from './CampaignSelect.tsx';
import { consoleFetch } from './console-api.ts';
import { checkLabel, remedyLabel, statusLabel } from './labels.ts';

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);

const PALETTE = ['#1849a9', '#b42318', '#067647', '#b54708', '#6941c6', '#0e7090', '#c11574', '#344054'];
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** Recall effectiveness for managers and analysts: each chart with its CSV, over a date range. */
export function DashboardPage() {
  const [range, setRange] = useState({ campaign: '', from: day(-90), to: day(0) });
  const query = Object.fromEntries(Object.entries(range).filter(([, value]) => value !== ''));
  const data = useQuery({
    queryKey: ['console', 'dashboard', query],
    queryFn: () => consoleFetch<Dashboard>('/dashboard', { query }),
    placeholderData: keepPreviousData,
  });
  const csv = (chart: string) =>
    `/api/v1/console/dashboard/export?${new URLSearchParams({ ...query, chart })}`;
  const d = data.data;
  return (
    <section className="dashboard">
      <h1>Dashboard</h1>
      <div className="inline-form">
        <CampaignSelect
          value={range.campaign}
          any="Every campaign"
          onChange={(campaign) => setRange((r) => ({ ...r, campaign }))}
        />
        <label>
          From
          <input
            type="date"
            value={range.from}
            onChange={(e) => setRange((r) => ({ ...r, from: e.target.value }))}
          />
        </label>
        <label>
          To
          <input
            type="date"
            value={range.to}
            onChange={(e) => setRange((r) => ({ ...r, to: e.target.value }))}
          />
        </label>
      </div>
      {data.error && <p className="console-error">{data.error.message}</p>}
      {d && (
        <div className="charts">
          <Panel title="Claims per day, by the status they reached" csv={csv('claims_per_day')}>
            <ChartCanvas label="Claims per day" config={claimsPerDay(d)} />
          </Panel>
          <Panel title="From lookup to remedy" csv={csv('funnel')}>
            <ChartCanvas
              label="Funnel"
              config={bars(
                ['Recalled units looked up', 'Claims started', 'Sent', 'Approved', 'Remedy delivered'],
                [
                  d.funnel.lookups,
                  d.funnel.started,
                  d.funnel.submitted,
                  d.funnel.approved,
                  d.funnel.delivered,
                ],
                'Claims',
              )}
            />
          </Panel>
          <Panel title="Direct notices" csv={csv('notices')}>
            <ChartCanvas
              label="Direct notices"
              config={bars(
                [
                  'E-mails sent',
                  'Link opened',
                  'Unit checked',
                  'Claims started',
                  'Claims sent',
                  'Units corrected',
                ],
                [
                  d.notices.sent,
                  d.notices.opened,
                  d.notices.lookedUp,
                  d.notices.claimsStarted,
                  d.notices.claimsSubmitted,
                  d.notices.unitsCorrected,
                ],
                'People',
              )}
            />
            <p className="hint">
              Told in this range: {d.notices.notified.email.toLocaleString()} by e-mail,{' '}
              {d.notices.notified.mail.toLocaleString()} by letter,{' '}
              {d.notices.notified.phone.toLocaleString()} by phone,{' '}
              {d.notices.notified.other.toLocaleString()} otherwise. The bars count every wave so far.
            </p>
          </Panel>
          <Panel
            title={`Correction rate: units out of use ÷ ${d.correction.unitsAffected.toLocaleString()} affected`}
            csv={csv('correction')}
          >
            <ChartCanvas label="Correction rate over time" config={correction(d)} />
            <ChartCanvas
              label="Correction rate over time by model"
              config={correctionBy(d.correction.byModel)}
            />
            <ChartCanvas
              label="Correction rate over time by country"
              config={correctionBy(d.correction.byCountry)}
            />
            <Rates title="By model" rows={d.correction.byModel} csv={csv('correction_by_model')} />
            <Rates title="By country" rows={d.correction.byCountry} csv={csv('correction_by_country')} />
          </Panel>
          <Panel title="Remedies delivered, and their cost" csv={csv('remedies')}>
            <ChartCanvas
              label="Remedy mix"
              config={bars(
                d.remedies.map((r) => remedyLabel(r.kind)),
                d.remedies.map((r) => r.n),
                'Remedies',
              )}
            />
            <ul>
              {d.remedies.map((r) => (
                <li key={`${r.kind}-${r.currency}`}>
                  {remedyLabel(r.kind)}: {r.n.toLocaleString()}
                  {r.currency && ` · ${formatMoney(r.amountMinor, r.currency, 'en')}`}
                </li>
              ))}
            </ul>
          </Panel>
          <Panel title="Who decided, and how fast">
            <dl className="facts">
              <dt>Decided by the automatic checks</dt>
              <dd data-testid="machine-share">
                {d.decided.machineShare} % ({d.decided.machine} of {d.decided.machine + d.decided.person})
              </dd>
              <dt>Hours from sending to a decision (p50 / p95)</dt>
              <dd>
                {d.hoursToDecision.p50 ?? '—'} / {d.hoursToDecision.p95 ?? '—'}
              </dd>
              <dt>Hours from sending to the remedy delivered (p50 / p95)</dt>
              <dd>
                {d.hoursToRemedy.p50 ?? '—'} / {d.hoursToRemedy.p95 ?? '—'}
              </dd>
            </dl>
          </Panel>
          <Panel title="Requests for information, by reason (per 100 decisions)" csv={csv('info_requests')}>
            <ChartCanvas
              label="Requests for information"
              config={bars(
                d.infoRequests.byReason.map((r) => checkLabel(r.reason)),
                d.infoRequests.byReason.map((r) => r.rate),
                'Per 100 decisions',
              )}
            />
          </Panel>
          <Panel title="Fraud signals per week" csv={csv('signals')}>
            <ChartCanvas label="Fraud signals per week" config={signals(d)} />
          </Panel>
          <Panel title="Incidents per month" csv={csv('incidents')}>
            <ChartCanvas
              label="Incidents per month"
              config={bars(
                d.incidentsPerMonth.map((m) => m.month),
                d.incidentsPerMonth.map((m) => m.n),
                'Incidents',
              )}
            />
          </Panel>
        </div>
      )}
    </section>
  );
}

function Panel({ title, csv, children }: { title: string; csv?: string; children: React.ReactNode }) {
  return (
    <section className="chart-panel">
      <h2>{title}</h2>
      {children}
      {csv && (
        <p>
          <a href={csv} download>
            Download CSV
          </a>
        </p>
      )}
    </section>
  );
}

function Rates({
  title,
  rows,
  csv,
}: {
  title: string;
  rows: Dashboard['correction']['byModel'];
  csv: string;
}) {
  return (
    <table className="data">
      <caption>
        {title} · <a href={csv}>CSV</a>
      </caption>
      <thead>
        <tr>
          <th scope="col">{title.replace('By ', '')}</th>
          <th scope="col">Corrected</th>
          <th scope="col">Affected</th>
          <th scope="col">Rate</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <td>{row.key}</td>
            <td>{row.corrected.toLocaleString()}</td>
            <td>{row.units.toLocaleString()}</td>
            <td>{row.rate} %</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A Chart.js chart on a canvas, redrawn when its configuration changes; its label names it for screen readers. */
function ChartCanvas({ label, config }: { label: string; config: ChartConfiguration }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      ...config,
      options: { animation: false, maintainAspectRatio: false, ...config.options },
    });
    return () => chart.destroy();
  }, [config]);
  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  );
}

function bars(labels: string[], values: number[], name: string): ChartConfiguration {
  return {
    type: 'bar',
    data: { labels, datasets: [{ label: name, data: values, backgroundColor: PALETTE[0] }] },
    options: { plugins: { legend: { display: false } } },
  };
}

function claimsPerDay(d: Dashboard): ChartConfiguration {
  const days = [...new Set(d.claimsPerDay.map((row) => row.day))].sort();
  const statuses = [...new Set(d.claimsPerDay.map((row) => row.status))].filter((s) => s !== 'verifying');
  return {
    type: 'bar',
    data: {
      labels: days,
      datasets: statuses.map((status, i) => ({
        label: statusLabel(status),
        data: days.map(
          (day) => d.claimsPerDay.find((row) => row.day === day && row.status === status)?.n ?? 0,
        ),
        backgroundColor: PALETTE[i % PALETTE.length],
      })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true } } },
  };
}

function correction(d: Dashboard): ChartConfiguration {
  return {
    type: 'line',
    data: {
      labels: d.correction.series.map((point) => point.day),
      datasets: [
        {
          label: 'Units corrected (% of affected)',
          data: d.correction.series.map((point) => point.rate),
          borderColor: PALETTE[2],
          backgroundColor: PALETTE[2],
        },
      ],
    },
  };
}

const SIGNAL_WORDS: Record<string, string> = {
  same_email: 'Same e-mail as other claims',
  same_address: 'Same address',
  same_phone: 'Same phone',
  same_client_address: 'Same network address',
};

function signals(d: Dashboard): ChartConfiguration {
  const weeks = [...new Set(d.signalsPerWeek.map((row) => row.week))];
  const kinds = [...new Set(d.signalsPerWeek.map((row) => row.signal))];
  return {
    type: 'bar',
    data: {
      labels: weeks,
      datasets: kinds.map((kind, i) => ({
        label: SIGNAL_WORDS[kind] ?? kind.replaceAll('_', ' '),
        data: weeks.map(
          (week) => d.signalsPerWeek.find((row) => row.week === week && row.signal === kind)?.n ?? 0,
        ),
        backgroundColor: PALETTE[i % PALETTE.length],
      })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true } } },
  };
}

/** One line per model (or country): its share corrected, on the days something was. */
function correctionBy(groups: Dashboard['correction']['byModel']): ChartConfiguration {
  const shown = [...groups].sort((a, b) => b.corrected - a.corrected).slice(0, PALETTE.length);
  const days = [...new Set(shown.flatMap((group) => group.series.map((point) => point.day)))].sort();
  return {
    type: 'line',
    data: {
      labels: days,
      datasets: shown.map((group, i) => {
        let last = 0;
        return {
          label: group.key,
          data: days.map((day) => {
            last = group.series.find((point) => point.day === day)?.rate ?? last;
            return last;
          }),
          borderColor: PALETTE[i],
          backgroundColor: PALETTE[i],
        };
      }),
    },
  };
}
