import { get, post, query, follow } from '../api.js';
import { connection } from '../app.js';
import { h, link, time, badge, json, table, section, notice, action, fill } from '../ui.js';

export async function scheduleList({ query: q }) {
  const page = await get('/api/schedules' + query({ cursor: q.get('cursor'), limit: 100 }));
  return [
    h('h1', {}, 'Schedules'),
    table(page.items, [
      ['Schedule', s => link(`/schedules/${encodeURIComponent(s.id)}`, s.name || s.id)],
      ['Workflow', s => link(`/workflows/${encodeURIComponent(s.workflow)}`, s.workflow)],
      ['Kind', s => s.kind],
      ['Enabled', s => s.enabled ? 'yes' : badge('disabled')],
      ['Next fire', s => time(s.nextFireAt)],
      ['Last fire', s => time(s.lastFireAt)],
      ['Last outcome', s => s.lastOutcome ? badge(s.lastOutcome) : ''],
      ['Last run', s => s.lastRunId ? link(`/runs/${encodeURIComponent(s.lastRunId)}`, s.lastRunId) : ''],
    ], 'No schedules.'),
    page.cursor ? link('/schedules' + query({ cursor: page.cursor }), 'More →') : null,
  ];
}

/** A schedule, its next fire times and executions, live over the schedule's feed. */
export async function scheduleDetail({ params: [id], onLeave }) {
  const path = `/api/schedules/${encodeURIComponent(id)}`;
  const message = notice();
  const body = h('div');
  let preview = [];
  const draw = (schedule, executions) => {
    const act = verb => async () => { await post(`${path}/${verb}`); await refresh(); };
    fill(body,
      h('h1', {}, 'Schedule ', h('code', {}, schedule.name || schedule.id), ' ', schedule.enabled ? badge('enabled') : badge('disabled')),
      h('p', {}, 'Workflow ', link(`/workflows/${encodeURIComponent(schedule.workflow)}`, schedule.workflow), ' · next fire ', time(schedule.nextFireAt)),
      h('div', { class: 'actions' },
        schedule.enabled
          ? action('Disable', 'Disable this schedule?', act('disable'), message, { danger: true })
          : action('Enable', 'Enable this schedule?', act('enable'), message),
        action('Trigger now', 'Start a run of this schedule now?', act('trigger'), message)),
      message,
      section('Next fire times', preview?.length ? h('ol', { class: 'preview' }, preview.map(t => h('li', {}, time(t)))) : h('p', { class: 'empty' }, 'No fire times ahead.')),
      section('Executions', table(executions, [
        ['Due', e => time(e.scheduledFor)],
        ['Fired', e => time(e.firedAt)],
        ['Outcome', e => badge(e.outcome)],
        ['Run', e => e.runId ? link(`/runs/${encodeURIComponent(e.runId)}`, e.runId) : ''],
        ['Detail', e => [e.reason || '', e.manual ? ' (by hand)' : '', e.occurrences > 1 ? ` (${e.occurrences} occurrences)` : '']],
      ], 'Not fired yet.')),
      section('Definition', json(schedule, 'schedule')));
  };
  const refresh = async () => {
    const [schedule, executions, next] = await Promise.all([get(path), get(`${path}/executions?limit=50`), get(`${path}/preview?count=5`).catch(() => [])]);
    preview = next;
    draw(schedule, executions);
  };
  await refresh();
  const feed = follow(() => `${path}/feed`, async update => {
    if (update.type !== 'schedule') return;
    preview = await get(`${path}/preview?count=5`).catch(() => preview);
    draw(update.schedule, update.executions);
  }, connection);
  onLeave(() => feed.close());
  return body;
}
