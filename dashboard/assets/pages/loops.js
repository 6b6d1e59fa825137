import { get, post, query, follow } from '../api.js';
import { h, link, time, badge, json, table, section, notice, action, fill } from '../ui.js';
import { sparkline, timeChart } from '../chart.js';
import { connection } from '../app.js';

/** The most points a page keeps of a history and its live updates. */
const keep = 720;

export async function loopList({ query: q }) {
  const page = await get('/api/loops' + query({ state: q.get('state'), cursor: q.get('cursor'), limit: 100 }));
  return [
    h('h1', {}, 'Loops'),
    table(page.items, [
      ['Loop', l => link(`/loops/${encodeURIComponent(l.id)}`, l.id)],
      ['Workflow', l => l.workflow],
      ['State', l => badge(l.state)],
      ['Iterations', l => l.iterations ?? ''],
      ['Per second', l => l.iterationsPerSecond?.toFixed?.(1) ?? ''],
      ['Errors', l => l.errors ?? ''],
      ['Queue', l => l.queue ? link(`/queues/${encodeURIComponent(l.queue)}`, l.queue) : ''],
    ], 'No loops.'),
    page.cursor ? link('/loops' + query({ cursor: page.cursor }), 'More →') : null,
  ];
}

/** A loop with its node health, its rate over the last ten minutes (its history, then live) and its log's tail, live
 * over the loop's feed. */
export async function loopDetail({ params: [id], onLeave }) {
  const path = `/api/loops/${encodeURIComponent(id)}`;
  const message = notice();
  const summary = h('div');
  const nodes = h('div');
  const log = h('ol', { class: 'timeline log', 'aria-label': 'loop log' });
  const history = await get(`${path}/history?window=10m`).catch(() => ({ items: [] }));
  const rates = history.items.map(sample => sample.iterationsPerSecond);
  const act = verb => async reason => { draw(await post(`${path}/${verb}`, verb === 'stop' ? { reason: reason || undefined } : {})); };
  const draw = loop => {
    rates.push(loop.iterationsPerSecond || 0);
    if (rates.length > keep) rates.shift();
    fill(summary,
      h('h1', {}, 'Loop ', h('code', {}, loop.id), ' ', badge(loop.state)),
      h('p', {}, 'Run ', link(`/runs/${encodeURIComponent(loop.runId)}`, loop.runId), ' · ',
        h('span', { class: 'iterations' }, `${loop.iterations} iterations`), ` · ${loop.completed} completed · ${loop.errors} errors · `,
        h('strong', {}, `${(loop.iterationsPerSecond || 0).toFixed(1)}/s`), ' ', sparkline(rates, 'iterations per second, last 10 minutes'),
        loop.queue ? [' · queue ', link(`/queues/${encodeURIComponent(loop.queue)}`, loop.queue)] : ''));
    fill(nodes,
      section('Nodes', table(Object.entries(loop.nodes || {}), [
        ['Node', ([name]) => name], ['Health', ([, n]) => badge(n.health)], ['Succeeded', ([, n]) => n.succeeded], ['Failed', ([, n]) => n.failed],
        ['Last run', ([, n]) => time(n.lastRunAt)], ['Last error', ([, n]) => n.lastError || ''],
      ])),
      loop.lastError ? section('Last error', json(loop.lastError, loop.lastError.message)) : null);
  };
  draw(await get(path));
  const feed = follow(() => `${path}/feed`, update => {
    if (update.type === 'loop') draw(update.loop);
    if (update.type === 'log') {
      const line = update.line;
      if (log.querySelector(`[data-seq="${line.seq}"]`)) return;
      log.append(h('li', { 'data-level': line.level, 'data-seq': line.seq }, time(line.at), ' ', line.node ? h('strong', {}, line.node) : '', ' ', line.message));
      while (log.children.length > 200) log.firstElementChild.remove();
    }
  }, connection);
  onLeave(() => feed.close());
  return [
    summary,
    h('div', { class: 'actions' },
      action('Pause', 'Pause this loop?', act('pause'), message),
      action('Resume', 'Resume this loop?', act('resume'), message),
      action('Stop', 'Stop this loop for good?', act('stop'), message, { reason: true, danger: true })),
    message,
    nodes,
    section('Log (live)', log),
  ];
}

/** A queue: its depth and lag over the last hour (its history, then live), consumers and dead letters. */
export async function queueDetail({ params: [name], onLeave }) {
  const path = `/api/queues/${encodeURIComponent(name)}`;
  const [queue, dead, history] = await Promise.all([
    get(path),
    get(`${path}/dead-letters?limit=50`).catch(() => ({ items: [] })),
    get(`${path}/history?window=1h`).catch(() => ({ items: [] })),
  ]);
  const live = h('div');
  const samples = history.items;
  const draw = q => {
    samples.push({ at: new Date().toISOString(), depth: q.depth, lag: Math.max(0, ...(q.consumers || []).map(c => c.lag)) });
    if (samples.length > keep) samples.shift();
    fill(live,
      h('p', {}, h('span', { class: 'produced' }, `depth ${q.depth} of ${q.capacity} · produced ${q.produced}`), ` · consumed ${q.consumed} · dead-lettered ${q.deadLettered}`),
      timeChart(samples, [['depth', s => s.depth], ['lag', s => s.lag]], 'Depth and lag, last hour'),
      section('Consumers', table(q.consumers || [], [
        ['Consumer', c => c.consumer], ['Offset', c => c.offset], ['Lag', c => c.lag], ['Failures', c => c.failures], ['Last error', c => c.lastError || ''],
      ], 'No consumers.')));
  };
  draw(queue);
  const feed = follow(() => `${path}/feed`, update => { if (update.type === 'queue') draw(update.queue); }, connection);
  onLeave(() => feed.close());
  return [
    h('h1', {}, 'Queue ', h('code', {}, queue.name)),
    live,
    section('Dead letters', table(dead.items || dead || [], [
      ['Consumer', d => d.consumer], ['Sequence', d => d.sequence], ['Error', d => d.error], ['Attempts', d => d.attempts], ['Payload', d => json(d.payload, 'payload')],
    ], 'None.')),
  ];
}
