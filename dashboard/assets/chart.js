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
