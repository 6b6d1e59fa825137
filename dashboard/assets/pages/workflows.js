import { get, post, query, ApiError } from '../api.js';
import { h, link, time, badge, json, table, section, notice, showFieldProblem, confirm } from '../ui.js';
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
  const workflow = await get(`/api/workflows/${encodeURIComponent(name)}` + query({ version: q.get('version') }));
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
    section('Start a run', form),
    section('Definition',
      h('details', { class: 'json', open: true }, h('summary', {}, 'definition (YAML)'), h('pre', { class: 'yaml' }, toYaml(workflow.definition))),
      json(workflow.definition, 'definition (JSON)')),
  ];
}
