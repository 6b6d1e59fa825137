import { get, post, query, ApiError } from '../api.js';
import { h, link, time, badge, json, table, section, notice, showFieldProblem, confirm, seconds } from '../ui.js';
import { diagram } from '../diagram.js';
import { toYaml } from '../yaml.js';
import { navigate } from '../app.js';

export async function workflowList({ query: q }) {
  const page = await get('/api/workflows' + query({ cursor: q.get('cursor'), limit: 100 }));
  return [
    h('h1', {}, 'Workflows'),
    table(page.items, [
      ['Name', w => link(`/workflows/${encodeURIComponent(w.name)}`, w.name)],
      ['Latest version', w => w.latestVersion],
      ['Retired', w => w.retired ? 'retired' : ''],
      ['Changed', w => time(w.updatedAt)],
    ], 'No workflows yet: POST one to /api/workflows.'),
    page.cursor ? link('/workflows' + query({ cursor: page.cursor }), 'More →') : null,
  ];
}

export async function workflowDetail({ params: [name], query: q }) {
  const [workflow, stats] = await Promise.all([
    get(`/api/workflows/${encodeURIComponent(name)}` + query({ version: q.get('version') })),
    get(`/api/workflows/${encodeURIComponent(name)}/stats?window=24h`).catch(() => null),
  ]);
  const versions = Array.from({ length: workflow.latestVersion }, (_, i) => i + 1).reverse();
  const message = notice();
  const form = h('form', {
    class: 'stack',
    onsubmit: async event => {
      event.preventDefault();
      let input;
      try {
        input = form.elements.input.value.trim() ? JSON.parse(form.elements.input.value) : undefined;
      } catch (e) {
        showFieldProblem(form, new ApiError(400, { title: 'Not JSON', detail: `input: ${e.message}`, field: 'input' }), message);
        return;
      }
      if (await confirm(`Start a run of ${workflow.name} v${workflow.version}?`) === null) return;
      try {
        const started = await post('/api/runs', { workflow: workflow.name, version: workflow.version, input, triggeredBy: 'dashboard' });
        navigate(`/runs/${encodeURIComponent(started.runId)}`);
      } catch (error) {
        showFieldProblem(form, error, message);
      }
    },
  },
  h('label', {}, 'Input (a JSON object) ', h('textarea', { name: 'input', rows: 4, cols: 50, placeholder: '{"numbers": [1, 2, 3]}' })),
  h('button', { type: 'submit', disabled: workflow.retired }, 'Start a run'),
  message);
  return [
    h('h1', {}, workflow.name, ' ', h('small', {}, `v${workflow.version}`), workflow.retired ? badge('retired') : ''),
    h('p', {}, 'Versions: ', versions.map(v => [link(`/workflows/${encodeURIComponent(name)}?version=${v}`, `v${v}`), ' ']),
      ' · ', link(`/runs?workflow=${encodeURIComponent(name)}`, 'its runs')),
    h('div', { class: 'scroll diagram-box' }, diagram(workflow.definition).element),
    stats ? statistics(stats) : null,
    section('Start a run', form),
    section('Definition',
      h('details', { class: 'json', open: true }, h('summary', {}, 'definition (YAML)'), h('pre', { class: 'yaml' }, toYaml(workflow.definition))),
      json(workflow.definition, 'definition (JSON)')),
  ];
}

/** Node durations of the runs that finished in the last 24 hours. */
function statistics(stats) {
  return h('section', { class: 'workflow-stats' }, h('h2', {}, 'Durations, last 24 hours'),
    h('p', {}, `${stats.runs} finished runs · run p50 ${seconds(stats.runDurationP50Seconds)} · p99 ${seconds(stats.runDurationP99Seconds)} · `,
      `${stats.attempts} node attempts (${stats.tasksPerSecond.toFixed(3)}/s)`),
    table(Object.entries(stats.nodes), [
      ['Node', ([node]) => node], ['Finished', ([, n]) => n.count], ['Attempts', ([, n]) => n.attempts], ['Failed', ([, n]) => n.failed],
      ['p50', ([, n]) => seconds(n.p50Seconds)], ['p90', ([, n]) => seconds(n.p90Seconds)], ['p99', ([, n]) => seconds(n.p99Seconds)],
    ], 'No run finished in the last 24 hours.'));
}
