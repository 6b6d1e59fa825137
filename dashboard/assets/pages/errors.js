import { get, post, query } from '../api.js';
import { h, link, time, badge, json, table, section, notice, action, fill } from '../ui.js';

const statuses = ['', 'unresolved', 'retry_scheduled', 'retrying', 'resolved', 'ignored', 'escalated'];

export async function errorList({ query: q }) {
  const status = q.get('status') || '';
  const page = await get('/api/errors' + query({ status, workflow: q.get('workflow'), cursor: q.get('cursor'), limit: 50 }));
  return [
    h('h1', {}, 'Errors'),
    h('p', { class: 'filters' }, statuses.map(s => [link('/errors' + query({ status: s }), s || 'all'), ' '])),
    table(page.items, [
      ['Record', e => link(`/errors/${encodeURIComponent(e.id)}`, e.id)],
      ['Workflow', e => e.workflow],
      ['Node', e => e.node],
      ['Severity', e => e.severity || ''],
      ['Status', e => badge(e.recoveryStatus)],
      ['Error', e => e.error],
      ['Created', e => time(e.createdAt)],
    ], 'No error records.'),
    page.cursor ? link('/errors' + query({ status, cursor: page.cursor }), 'Older →') : null,
  ];
}

export async function errorDetail({ params: [id] }) {
  const message = notice();
  const body = h('div');
  const draw = record => fill(body, 
    h('h1', {}, 'Error ', h('code', {}, record.id), ' ', badge(record.recoveryStatus)),
    h('p', {}, 'Run ', link(`/runs/${encodeURIComponent(record.runId)}`, record.runId), ` · node ${record.node}`,
      record.loop ? ` · loop ${record.loop}` : '', ` · severity ${record.severity || 'medium'}`,
      ` · ${record.recoveryAttempts}/${record.maxRecoveryAttempts} automatic attempts`,
      record.nextRetryAt ? [' · next at ', time(record.nextRetryAt)] : ''),
    h('p', { class: 'notice bad' }, record.error),
    h('div', { class: 'actions' }, ['retry', 'resolve', 'ignore', 'escalate'].map(verb =>
      action(verb[0].toUpperCase() + verb.slice(1), `${verb} error record ${record.id}?`,
        async reason => draw(await post(`/api/errors/${encodeURIComponent(record.id)}/${verb}`, { by: 'dashboard', reason: reason || undefined })),
        message, { reason: true, danger: verb === 'ignore' }))),
    message,
    section('History', table(record.history || [], [
      ['When', a => time(a.at)], ['Action', a => a.action], ['By', a => a.by], ['Why', a => a.reason || ''],
    ])),
    section('Input', json(record.input, 'input')));
  draw(await get(`/api/errors/${encodeURIComponent(id)}`));
  return body;
}
