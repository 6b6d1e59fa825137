import { get, post, query, follow, ApiError } from '../api.js';
import { h, link, time, duration, badge, json, table, section, notice, action, confirm, showFieldProblem, fill } from '../ui.js';
import { diagram } from '../diagram.js';
import { connection, navigate } from '../app.js';

const statuses = ['', 'pending', 'running', 'paused', 'completed', 'failed', 'cancelled'];

export async function runList({ query: q }) {
  const filters = { workflow: q.get('workflow') || '', status: q.get('status') || '', cursor: q.get('cursor') || '' };
  const page = await get('/api/runs' + query({ ...filters, limit: 50 }));
  const form = h('form', {
    class: 'filters',
    onsubmit: event => {
      event.preventDefault();
      const data = new FormData(form);
      const id = data.get('id')?.trim();
      if (id) { navigate(`/runs/${encodeURIComponent(id)}`); return; }
      navigate('/runs' + query({ workflow: data.get('workflow'), status: data.get('status') }));
    },
  },
  h('label', {}, 'Workflow ', h('input', { name: 'workflow', value: filters.workflow })),
  h('label', {}, 'Status ', h('select', { name: 'status' }, statuses.map(s => h('option', { value: s, selected: s === filters.status }, s || 'any')))),
  h('button', { type: 'submit' }, 'Filter'),
  h('label', {}, 'Run id ', h('input', { name: 'id', placeholder: 'find by id' })));
  return [
    h('h1', {}, 'Runs'), form,
    table(page.items, [
      ['Run', r => link(`/runs/${encodeURIComponent(r.runId)}`, r.runId)],
      ['Workflow', r => link(`/workflows/${encodeURIComponent(r.workflow)}`, r.workflow)],
      ['Status', r => badge(r.status)],
      ['Created', r => time(r.createdAt)],
      ['Duration', r => duration(r.startedAt, r.finishedAt)],
      ['Started by', r => r.triggeredBy || ''],
    ], 'No runs match.'),
    page.cursor ? h('p', {}, link('/runs' + query({ ...filters, cursor: page.cursor }), 'Older runs →')) : null,
  ];
}

export async function runDetail({ params: [id], onLeave }) {
  let run = await get(`/api/runs/${encodeURIComponent(id)}`);
  const workflow = await get(`/api/workflows/${encodeURIComponent(run.workflow)}` + query({ version: run.version }));
  const picture = diagram(workflow.definition);
  // Nodes of type workflow start sub-runs; their runs say which run started them.
  const startsSubRuns = Object.values(workflow.definition.nodes || {}).some(node => node.type === 'workflow');
  let subRuns = startsSubRuns ? await readSubRuns(id) : [];
  const message = notice();
  const header = h('div');
  const details = h('div');
  const timeline = h('ol', { class: 'timeline', 'aria-label': 'event timeline' });
  let lastSeq = 0;
  let refreshing = null;

  const draw = () => {
    picture.update(run);
    fill(header, 
      h('h1', {}, 'Run ', h('code', {}, run.runId), ' ', badge(run.status)),
      h('p', {}, 'Workflow ', link(`/workflows/${encodeURIComponent(run.workflow)}`, `${run.workflow} v${run.version}`),
        ' · created ', time(run.createdAt), ' · ', duration(run.startedAt, run.finishedAt),
        run.triggeredBy ? ` · started by ${run.triggeredBy}` : '',
        run.parent?.runId ? [' · sub-run of ', link(`/runs/${encodeURIComponent(run.parent.runId)}`, run.parent.runId), ` (node ${run.parent.node})`] : ''),
      run.error ? h('p', { class: 'notice bad' }, run.error) : null);
    fill(details, 
      section('Nodes', table(Object.entries(run.nodes || {}), [
        ['Node', ([name]) => name],
        ['Status', ([, n]) => badge(n.status)],
        ['Attempts', ([, n]) => n.attempts],
        ['Next attempt', ([, n]) => n.nextAttemptAt ? time(n.nextAttemptAt) : ''],
        ['Elements', ([, n]) => n.items ? Object.entries(n.items).map(([k, v]) => `${v} ${k}`).join(', ') : ''],
        ['Progress', ([, n]) => n.progress || n.task ? json(n.progress ?? n.task, n.progress?.status ?? n.task?.details?.status ?? 'progress') : ''],
        ['Output / error', ([name, n]) => n.error ? h('span', { class: 'bad' }, n.error) : (n.output !== undefined ? json(n.output, 'output') : '')],
        ['', ([name, n]) => n.status === 'failed' ? errorRetry(run, name, n, message) : ''],
      ])),
      startsSubRuns ? section('Sub-runs', table(subRuns, [
        ['Run', r => link(`/runs/${encodeURIComponent(r.runId)}`, r.runId)],
        ['Node', r => nodeOf(run, r.runId)],
        ['Workflow', r => link(`/workflows/${encodeURIComponent(r.workflow)}`, r.workflow)],
        ['Status', r => badge(r.status)],
        ['Duration', r => duration(r.startedAt, r.finishedAt)],
      ], 'No sub-run started yet.')) : null,
      section('State', json(run.state, 'state', true)),
      run.input !== undefined ? section('Input', json(run.input, 'input')) : null);
  };

  const refresh = () => {
    refreshing ??= setTimeout(async () => {
      refreshing = null;
      try {
        [run, subRuns] = await Promise.all([get(`/api/runs/${encodeURIComponent(id)}`), startsSubRuns ? readSubRuns(id) : []]);
        draw();
      } catch (error) { message.problem(error); }
    }, 150);
  };

  const socket = follow(() => `/api/runs/${encodeURIComponent(id)}/events?after=${lastSeq}`, event => {
    if (typeof event.seq !== 'number' || event.seq <= lastSeq) return;
    lastSeq = event.seq;
    timeline.append(h('li', { 'data-type': event.type },
      time(event.timestamp), ' ', h('strong', {}, event.type), event.node ? ` ${event.node}` : '',
      event.attempt ? ` (attempt ${event.attempt})` : '',
      event.data && Object.keys(event.data).length ? json(event.data, 'data') : ''));
    refresh();
  }, connection);
  onLeave(() => { socket.close(); clearTimeout(refreshing); });

  const signalForm = h('form', {
    class: 'filters',
    onsubmit: async event => {
      event.preventDefault();
      let data;
      try {
        data = signalForm.elements.data.value.trim() ? JSON.parse(signalForm.elements.data.value) : {};
      } catch (e) {
        showFieldProblem(signalForm, new ApiError(400, { title: 'Not JSON', detail: e.message, field: 'data' }), message);
        return;
      }
      if (await confirm(`Send signal '${signalForm.elements.name.value}' to this run?`) === null) return;
      try {
        run = await post(`/api/runs/${encodeURIComponent(id)}/signal`, { name: signalForm.elements.name.value, data });
        message.show('Signal sent.');
        draw();
      } catch (error) { showFieldProblem(signalForm, error, message); }
    },
  },
  h('label', {}, 'Signal ', h('input', { name: 'name', required: true, placeholder: 'name' })),
  h('label', {}, 'Data ', h('input', { name: 'data', placeholder: '{"ok": true}', size: 24 })),
  h('button', { type: 'submit' }, 'Signal'));

  const act = verb => async reason => { run = await post(`/api/runs/${encodeURIComponent(id)}/${verb}`, verb === 'cancel' ? { reason: reason || undefined } : {}); draw(); };
  draw();
  return [
    header,
    h('div', { class: 'actions' },
      action('Cancel', 'Cancel this run?', act('cancel'), message, { reason: true, danger: true }),
      action('Pause', 'Pause this run?', act('pause'), message),
      action('Resume', 'Resume this run?', act('resume'), message)),
    signalForm,
    message,
    h('div', { class: 'scroll diagram-box' }, picture.element),
    details,
    section('Timeline', timeline),
  ];
}

/** The runs a run started (its workflow nodes' sub-runs), newest first. */
async function readSubRuns(id) {
  return (await get('/api/runs' + query({ triggeredBy: `run:${id}`, limit: 100 }))).items;
}

/** The node whose sub-run this is: a sub-run's id is {runId}.{node}.{iteration}.{attempt}[.{element}]. */
function nodeOf(run, childId) {
  const rest = childId.slice(run.runId.length + 1);
  return Object.keys(run.nodes || {}).find(name => rest.startsWith(`${name}.`) && /^\d+\.\d+(\.\d+)?$/.test(rest.slice(name.length + 1))) ?? '';
}

function errorRetry(run, name, node, message) {
  const errorId = `${run.runId}.${name}.${Math.max(1, node.iterations || 1)}`;
  return h('span', {}, link(`/errors/${encodeURIComponent(errorId)}`, 'error record'), ' ',
    action('Retry', `Retry node '${name}' through its error record?`, reason => post(`/api/errors/${encodeURIComponent(errorId)}/retry`, { by: 'dashboard', reason: reason || undefined }), message, { reason: true }));
}
