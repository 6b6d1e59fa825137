import { get, query } from '../api.js';
import { h, link, time, badge, table, section } from '../ui.js';

export async function overview() {
  const settle = promise => promise.catch(() => null);
  const [runs, failed, errors, loops, queues, silos] = await Promise.all([
    get('/api/runs?limit=20'),
    settle(get('/api/runs' + query({ status: 'failed', limit: 10 }))),
    settle(get('/api/errors' + query({ status: 'unresolved', limit: 10 }))),
    settle(get('/api/loops?limit=20')),
    settle(get('/api/queues')),
    settle(get('/api/silos')),
  ]);
  const activeLoops = (loops?.items || []).filter(l => l.state === 'running');
  const deepest = [...(queues?.items || [])].sort((a, b) => b.depth - a.depth).slice(0, 5);
  return [
    h('h1', {}, 'Overview'),
    h('div', { class: 'cards' },
      card('Latest runs', runs.items.length, '/runs'),
      card('Failed (latest)', failed?.items.length ?? '—', '/runs?status=failed'),
      card('Unresolved errors', errors?.items.length ?? '—', '/errors?status=unresolved'),
      card('Running loops', activeLoops.length, '/loops'),
      card('Silos', (silos?.items || []).filter(s => s.status === 'running').length, '/dashboard')),
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

function card(title, value, href) {
  return h('a', { class: 'card', href, 'data-external': href === '/dashboard' ? true : undefined }, h('span', { class: 'card-value' }, String(value)), h('span', {}, title));
}
