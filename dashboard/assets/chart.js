// Charts drawn as SVG by the dashboard itself.
import { svg, h } from './ui.js';

const order = ['completed', 'running', 'pending', 'paused', 'failed', 'cancelled'];

/** Stacked bars of runs by status per slice of a window, with a legend and an accessible summary. */
export function runsChart(statistics, title) {
  const width = 600, height = 140, left = 30, bottom = 18;
  const start = new Date(statistics.since).getTime();
  const bucket = statistics.bucketSeconds * 1000;
  const slots = 60;
  const totals = statistics.slices.map(s => Object.values(s.byStatus).reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const barWidth = (width - left) / slots;
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `${title}: ${summary(statistics)}` },
    svg('text', { x: 0, y: 10, class: 'axis' }, String(max)),
    svg('text', { x: 0, y: height - bottom, class: 'axis' }, '0'),
    svg('line', { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: 'baseline' }));
  for (const slice of statistics.slices) {
    const index = Math.floor((new Date(slice.at).getTime() - start) / bucket);
    const x = left + Math.max(0, Math.min(slots - 1, index)) * barWidth;
    let y = height - bottom;
    for (const status of [...order, ...Object.keys(slice.byStatus).filter(s => !order.includes(s))]) {
      const count = slice.byStatus[status];
      if (!count) continue;
      const barHeight = (count / max) * (height - bottom - 14);
      y -= barHeight;
      root.append(svg('rect', { x: x + 1, y, width: Math.max(1, barWidth - 2), height: barHeight, class: `bar s-${status}` },
        svg('title', {}, `${new Date(slice.at).toLocaleTimeString()}: ${count} ${status}`)));
    }
  }
  return h('figure', { class: 'chart-box' }, h('figcaption', {}, title, ' — ', summary(statistics)), root);
}

function summary(statistics) {
  const parts = Object.entries(statistics.byStatus).map(([status, count]) => `${count} ${status}`);
  return parts.length ? parts.join(', ') : 'no runs';
}

/**
 * Lines over time of samples that carry `at`: `lines` is [[name, sample => value], …]. The x axis runs from the first
 * sample to the last; each line says its latest value in the caption.
 */
export function timeChart(samples, lines, title) {
  const width = 600, height = 140, left = 30, bottom = 18, top = 8;
  const times = samples.map(s => new Date(s.at).getTime());
  const start = Math.min(...times), end = Math.max(...times);
  const span = Math.max(1, end - start);
  const max = Math.max(1, ...lines.flatMap(([, value]) => samples.map(value)));
  const x = t => left + ((t - start) / span) * (width - left);
  const y = v => height - bottom - (v / max) * (height - bottom - top);
  const latest = samples.length ? lines.map(([name, value]) => `${name} ${value(samples[samples.length - 1])}`).join(', ') : 'no samples yet';
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `${title}: ${latest}` },
    svg('text', { x: 0, y: 10, class: 'axis' }, String(max)),
    svg('text', { x: 0, y: height - bottom, class: 'axis' }, '0'),
    svg('line', { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: 'baseline' }));
  if (samples.length) {
    root.append(
      svg('text', { x: left, y: height - 4, class: 'axis' }, new Date(start).toLocaleTimeString()),
      svg('text', { x: width, y: height - 4, class: 'axis', 'text-anchor': 'end' }, new Date(end).toLocaleTimeString()));
  }
  for (const [name, value] of lines) {
    root.append(svg('polyline', { class: `line l-${name}`, points: samples.map((s, i) => `${x(times[i])},${y(value(s))}`).join(' ') }));
  }
  const legend = lines.map(([name]) => h('span', { class: `legend l-${name}` }, name));
  return h('figure', { class: 'chart-box' }, h('figcaption', {}, title, ' — ', latest, ' ', ...legend), root);
}

/** A small SVG line of the last values. */
export function sparkline(values, label = 'iterations per second') {
  const width = 120, height = 24, max = Math.max(1, ...values);
  const points = values.map((v, i) => `${(i / Math.max(1, values.length - 1)) * width},${height - (v / max) * (height - 2) - 1}`).join(' ');
  return svg('svg', { width, height, class: 'sparkline', role: 'img', 'aria-label': label }, svg('polyline', { points }));
}
