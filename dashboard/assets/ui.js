// Small helpers that build the pages' elements: no framework, no innerHTML with data.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = value;
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

/** Replaces the element's children, leaving out null, undefined and false. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

export const link = (href, text) => h('a', { href }, text);

export function time(value) {
  if (!value) return '—';
  const date = new Date(value);
  return h('time', { datetime: date.toISOString(), title: date.toISOString() }, date.toLocaleString());
}

export function duration(from, to) {
  if (!from) return '—';
  const ms = (to ? new Date(to) : new Date()) - new Date(from);
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3600000) return `${Math.floor(ms / 60000)} m ${Math.round((ms % 60000) / 1000)} s`;
  return `${Math.floor(ms / 3600000)} h ${Math.round((ms % 3600000) / 60000)} m`;
}

/** A number of seconds, briefly: 250 ms, 1.5 s; a dash when unknown. */
export function seconds(value) {
  if (value === null || value === undefined) return '—';
  return value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(1)} s`;
}

export const badge = status => h('span', { class: `badge s-${String(status).replace(/[^a-z_]/gi, '')}` }, status);

/** A value as collapsible JSON. */
export function json(value, summary = 'JSON', open = false) {
  return h('details', { class: 'json', open }, h('summary', {}, summary), h('pre', {}, JSON.stringify(value ?? null, null, 2)));
}

/** A table of rows; each column is [heading, row => cell]. */
export function table(rows, columns, empty = 'Nothing yet.') {
  if (!rows.length) return h('p', { class: 'empty' }, empty);
  return h('div', { class: 'scroll' }, h('table', {},
    h('thead', {}, h('tr', {}, columns.map(([heading]) => h('th', { scope: 'col' }, heading)))),
    h('tbody', {}, rows.map(row => h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(row))))))));
}

export function section(title, ...children) {
  return h('section', {}, h('h2', {}, title), ...children);
}

/** A message area for an action's result or a problem. */
export function notice() {
  const element = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  element.show = (text, kind = 'ok') => { element.textContent = text; element.className = `notice ${kind}`; };
  element.problem = error => element.show(problemText(error), 'bad');
  return element;
}

export function problemText(error) {
  const problem = error?.problem;
  if (!problem) return String(error?.message || error);
  const parts = [problem.title, problem.detail].filter(Boolean);
  if (problem.field) parts.push(`(field: ${problem.field})`);
  if (Array.isArray(problem.errors)) parts.push(...problem.errors.map(e => `${e.path}: ${e.message}`));
  return parts.join(' — ');
}

/** Asks before an action; resolves to the reason typed (or '' without a reason field), or null when declined. */
export function confirm(text, { reason = false } = {}) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-text').textContent = text;
  const input = document.getElementById('confirm-reason');
  document.getElementById('confirm-reason-label').hidden = !reason;
  input.value = '';
  return new Promise(resolve => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok' ? input.value : null), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    (reason ? input : document.getElementById('confirm-ok')).focus();
  });
}

/** A button that confirms, runs `act`, and shows its result (or problem) in `message`. */
export function action(label, question, act, message, options = {}) {
  return h('button', {
    type: 'button',
    class: options.danger ? 'danger' : undefined,
    onclick: async event => {
      const button = event.currentTarget;
      const reason = await confirm(question, options);
      if (reason === null) return;
      button.disabled = true;
      try {
        await act(reason);
        message.show(`${label}: done.`);
      } catch (error) {
        message.problem(error);
      } finally {
        button.disabled = false;
      }
    },
  }, label);
}

/** Shows a problem next to the form field it names (and in `message`). */
export function showFieldProblem(form, error, message) {
  form.querySelectorAll('.field-problem').forEach(e => e.remove());
  form.querySelectorAll('[aria-invalid]').forEach(e => e.removeAttribute('aria-invalid'));
  message.problem(error);
  const field = error?.field;
  if (!field) return;
  const root = field.split(/[.[]/)[0];
  const input = form.querySelector(`[name="${CSS.escape(field)}"]`) || form.querySelector(`[name="${CSS.escape(root)}"]`);
  if (!input) return;
  input.setAttribute('aria-invalid', 'true');
  input.insertAdjacentElement('afterend', h('span', { class: 'field-problem', role: 'alert' }, problemText(error)));
}
