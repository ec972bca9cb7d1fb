import { useQuery } from '@tanstack/react-query';
import { useId, useState, type ReactElement } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, withQuery } from '../api/client';
import type { Dashboard, PerProvider } from '../api/types';
import { QueryState } from '../components/query-state';
import { providerName } from '../words';

const RANGES = {
  '1h': { label: 'Last hour', ms: 3_600_000, bucket: '5m' },
  '24h': { label: 'Last 24 hours', ms: 24 * 3_600_000, bucket: '1h' },
  '7d': { label: 'Last 7 days', ms: 7 * 24 * 3_600_000, bucket: '1d' },
  '30d': { label: 'Last 30 days', ms: 30 * 24 * 3_600_000, bucket: '1d' },
} as const;
type Range = keyof typeof RANGES;

const COLORS = ['#2563eb', '#16a34a', '#d97706', '#9333ea', '#dc2626', '#0891b2', '#4b5563'];

function Chart({ title, children }: { title: string; children: ReactElement }) {
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        {children}
      </ResponsiveContainer>
    </figure>
  );
}

/** One row per bucket, one column per provider (what recharts draws a line for). */
function perProvider(series: Dashboard['series'], pick: (s: Dashboard['series'][number]) => PerProvider, label: (at: string) => string) {
  const providers = [...new Set(series.flatMap((s) => Object.keys(pick(s))))].sort();
  const rows = series.map((s) => ({ at: label(s.at), ...Object.fromEntries(providers.map((p) => [providerName(p), pick(s)[p] ?? 0])) }));
  return { providers: providers.map(providerName), rows };
}

/** A plain function, not a component: ResponsiveContainer sizes its direct child, which must be the chart. */
function lines(rows: object[], keys: string[], unit?: string): ReactElement {
  return (
    <LineChart data={rows}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="at" />
      <YAxis unit={unit} allowDecimals={false} />
      <Tooltip />
      <Legend />
      {keys.map((k, i) => (
        <Line key={k} type="monotone" dataKey={k} stroke={COLORS[i % COLORS.length]} dot={false} isAnimationActive={false} />
      ))}
    </LineChart>
  );
}

function DashboardCharts({ d }: { d: Dashboard }) {
  const day = d.bucket === '1d';
  const label = (at: string) => new Date(at).toLocaleString(undefined, day ? { month: 'short', day: 'numeric' } : { hour: '2-digit', minute: '2-digit' });
  const received = perProvider(d.series, (s) => s.received, label);
  const processed = perProvider(d.series, (s) => s.processed, label);
  const effects = d.series.map((s) => ({ at: label(s.at), done: s.effects.done, failed: s.effects.failed, skipped: s.effects.skipped }));
  const latency = d.series.map((s) => ({ at: label(s.at), p50: s.latencyMs?.p50 ?? null, p99: s.latencyMs?.p99 ?? null }));
  const deadLetters = Object.values(d.now.deadLetters).reduce((a, b) => a + b, 0);
  return (
    <>
      <div className="cards">
        <div className="card">
          <span className="card-value">{deadLetters}</span> dead letters
          <span className="meta">
            {' '}
            (
            {Object.entries(d.now.deadLetters)
              .map(([q, n]) => `${q} ${n}`)
              .join(', ') || 'none'}
            )
          </span>
        </div>
        <div className="card">
          <span className="card-value">{d.now.parkedSends}</span> sends with an unknown outcome
        </div>
        <div className="card">
          <span className="card-value">{d.now.outboxBacklog}</span> jobs waiting in the outbox
        </div>
      </div>
      <div className="charts">
        <Chart title="Events received per provider">
          {lines(received.rows, received.providers)}
        </Chart>
        <Chart title="Events processed per provider">
          {lines(processed.rows, processed.providers)}
        </Chart>
        <Chart title="Effects done, failed and skipped">
          <BarChart data={effects}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="at" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Bar dataKey="done" stackId="e" fill="#16a34a" isAnimationActive={false} />
            <Bar dataKey="failed" stackId="e" fill="#dc2626" isAnimationActive={false} />
            <Bar dataKey="skipped" stackId="e" fill="#9ca3af" isAnimationActive={false} />
          </BarChart>
        </Chart>
        <Chart title="Receipt to effect done, milliseconds (p50, p99)">
          {lines(latency, ['p50', 'p99'], ' ms')}
        </Chart>
      </div>
      <table>
        <caption>Queue depth now</caption>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Waiting</th>
            <th scope="col">Running</th>
            <th scope="col">Delayed</th>
            <th scope="col">Dead letters</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(d.now.queues).map(([q, c]) => (
            <tr key={q}>
              <th scope="row">{q}</th>
              <td>{c.waiting}</td>
              <td>{c.active}</td>
              <td>{c.delayed}</td>
              <td>{d.now.deadLetters[q] ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** `GET /api/dashboard`: the fleet's health over a chosen time range. */
export function DashboardPage() {
  const [range, setRange] = useState<Range>('24h');
  const id = useId();
  const dashboard = useQuery({
    queryKey: ['dashboard', range],
    queryFn: () => {
      const to = new Date();
      const { ms, bucket } = RANGES[range];
      return api<Dashboard>('GET', withQuery('/api/dashboard', { from: new Date(to.getTime() - ms).toISOString(), to: to.toISOString(), bucket }));
    },
    refetchInterval: 30_000,
  });
  return (
    <section>
      <div className="page-head">
        <h1>Dashboard</h1>
        <label htmlFor={id}>Time range</label>
        <select id={id} value={range} onChange={(e) => setRange(e.target.value as Range)}>
          {Object.entries(RANGES).map(([key, r]) => (
            <option key={key} value={key}>
              {r.label}
            </option>
          ))}
        </select>
      </div>
      <QueryState query={dashboard} what="the dashboard">
        {(d) => <DashboardCharts d={d} />}
      </QueryState>
    </section>
  );
}
