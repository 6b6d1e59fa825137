import { get, query } from '../api.js';
import { h, link, time, badge, table, section, seconds, fill } from '../ui.js';
import { runsChart } from '../chart.js';

/** How often the overview reads its figures again. */
const refreshEvery = 10000;

/** The overview's figures, read again every ten seconds while it is open (no page reload). */
export async function overview({ onLeave }) {
  const root = h('div', { class: 'overview' }, ...await figures());
  let timer;
  let left = false;
  const refresh = async () => {
    try { fill(root, ...await figures()); } catch { /* the next round tries again */ }
    if (!left) timer = setTimeout(refresh, refreshEvery);
  };
  timer = setTimeout(refresh, refreshEvery);
  onLeave(() => { left = true; clearTimeout(timer); });
  return root;
}

/** The API reads behind the overview. */
async function figures() {
  const settle = promise => promise.catch(() => null);
  const [hour, day, nodes, runs, errors, loops, queues, silos] = await Promise.all([
    get('/api/stats/runs?window=1h'),
    get('/api/stats/runs?window=24h'),
    settle(get('/api/stats/nodes?window=1h')),
    get('/api/runs?limit=20'),
    settle(get('/api/errors' + query({ status: 'unresolved', limit: 10 }))),
    settle(get('/api/loops?limit=20')),
    settle(get('/api/queues')),
    settle(get('/api/silos')),
  ]);
  const activeLoops = (loops?.items || []).filter(l => l.state === 'running');
  const deepest = [...(queues?.items || [])].sort((a, b) => b.depth - a.depth).slice(0, 5);
  const covered = nodes && nodes.coveredSince !== nodes.since ? ` since ${new Date(nodes.coveredSince).toLocaleTimeString()}` : ' (hour)';
  return [
    h('h1', {}, 'Overview'),
    h('div', { class: 'cards' },
      card('Runs in the last hour', total(hour), '/runs'),
      card('Tasks/s' + covered, nodes ? nodes.tasksPerSecond.toFixed(1) : '—', '/runs'),
      card('Failure rate (hour)', `${(hour.failureRate * 100).toFixed(1)} %`, '/runs?status=failed'),
      card('Run p50 / p99 (hour)', `${seconds(hour.durationP50Seconds)} / ${seconds(hour.durationP99Seconds)}`, '/runs'),
      card('Node p50 / p99' + covered, nodes ? `${seconds(nodes.nodeDurationP50Seconds)} / ${seconds(nodes.nodeDurationP99Seconds)}` : '—', '/workflows'),
      card('Unresolved errors', errors?.items.length ?? '—', '/errors?status=unresolved'),
      card('Running loops', activeLoops.length, '/loops'),
      card('Silos', (silos?.items || []).filter(s => s.status === 'running').length, '/dashboard')),
    h('div', { class: 'charts' }, runsChart(hour, 'Runs by status, last hour (per minute)'), runsChart(day, 'Runs by status, last 24 hours (per 24 minutes)')),
    section('Latest runs', table(runs.items, [
      ['Run', r => link(`/runs/${encodeURIComponent(r.runId)}`, r.runId)],
      ['Workflow', r => r.workflow], ['Status', r => badge(r.status)], ['Created', r => time(r.createdAt)],
    ], 'No runs yet.')),
    section('Active loops', table(activeLoops, [
      ['Loop', l => link(`/loops/${encodeURIComponent(l.id)}`, l.id)], ['Per second', l => (l.iterationsPerSecond ?? 0).toFixed(1)],
    ], 'No running loops.')),
    section('Deepest queues', table(deepest, [
      ['Queue', q => link(`/queues/${encodeURIComponent(q.name)}`, q.name)], ['Depth', q => q.depth], ['Consumers', q => q.consumers?.length ?? 0],
    ], 'No queues.')),
    section('Unresolved errors', table(errors?.items || [], [
      ['Record', e => link(`/errors/${encodeURIComponent(e.id)}`, e.id)], ['Node', e => e.node], ['Error', e => e.error],
    ], 'None.')),
    section('Silos', table(silos?.items || [], [
      ['Silo', s => s.name], ['Status', s => badge(s.status)], ['Address', s => s.address || ''], ['Started', s => time(s.startedAt)],
    ])),
  ];
}

const total = statistics => Object.values(statistics.byStatus).reduce((a, b) => a + b, 0);

function card(title, value, href) {
  return h('a', { class: 'card', href, 'data-external': href === '/dashboard' ? true : undefined }, h('span', { class: 'card-value' }, String(value)), h('span', {}, title));
}
