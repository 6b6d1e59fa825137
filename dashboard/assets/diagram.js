// The workflow drawn as a diagram: nodes in layers (a DAG by its dependsOn, a graph by distance from its entry along
// its edges), each box coloured by its node's state; conditional edges dashed and labelled.
import { svg } from './ui.js';

const boxWidth = 150;
const boxHeight = 46;
const gapX = 60;
const gapY = 28;

function layers(definition) {
  const names = Object.keys(definition.nodes || {});
  const edges = definition.edges?.length
    ? definition.edges.map(e => ({ from: e.from, to: e.to, when: e.when }))
    : names.flatMap(name => (definition.nodes[name].dependsOn || []).map(from => ({ from, to: name })));
  const depth = new Map();
  if (definition.edges?.length) {
    const start = definition.entry || names[0];
    depth.set(start, 0);
    const queue = [start];
    while (queue.length) {
      const at = queue.shift();
      for (const edge of edges.filter(e => e.from === at && e.to !== 'END')) {
        if (!depth.has(edge.to)) { depth.set(edge.to, depth.get(at) + 1); queue.push(edge.to); }
      }
    }
    names.filter(n => !depth.has(n)).forEach(n => depth.set(n, 0));
  } else {
    const visit = (name, seen = new Set()) => {
      if (depth.has(name)) return depth.get(name);
      if (seen.has(name)) return 0;
      seen.add(name);
      const d = Math.max(-1, ...(definition.nodes[name].dependsOn || []).map(p => visit(p, seen))) + 1;
      depth.set(name, d);
      return d;
    };
    names.forEach(n => visit(n));
  }
  return { names, edges, depth };
}

/** Draws the definition; returns the SVG and `update(run)`, which colours the nodes by the run's states. */
export function diagram(definition) {
  const { names, edges, depth } = layers(definition);
  const columns = new Map();
  for (const name of names) {
    const d = depth.get(name);
    if (!columns.has(d)) columns.set(d, []);
    columns.get(d).push(name);
  }
  const position = new Map();
  for (const [d, column] of columns) {
    column.forEach((name, i) => position.set(name, { x: 10 + d * (boxWidth + gapX), y: 10 + i * (boxHeight + gapY) }));
  }
  const hasEnd = edges.some(e => e.to === 'END');
  const maxDepth = Math.max(0, ...depth.values());
  if (hasEnd) position.set('END', { x: 10 + (maxDepth + 1) * (boxWidth + gapX), y: 10 });
  const width = 20 + (maxDepth + (hasEnd ? 2 : 1)) * (boxWidth + gapX);
  const height = 20 + Math.max(1, ...[...columns.values()].map(c => c.length)) * (boxHeight + gapY);

  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'diagram', role: 'img', 'aria-label': 'workflow diagram' },
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' },
      svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))));
  for (const edge of edges) {
    const from = position.get(edge.from);
    const to = position.get(edge.to);
    if (!from || !to) continue;
    const x1 = from.x + boxWidth, y1 = from.y + boxHeight / 2, x2 = to.x, y2 = to.y + boxHeight / 2;
    const back = x2 <= x1;
    const d = back
      ? `M ${from.x + boxWidth / 2} ${from.y + boxHeight} C ${from.x + boxWidth / 2} ${from.y + boxHeight + 40}, ${to.x + boxWidth / 2} ${to.y + boxHeight + 40}, ${to.x + boxWidth / 2} ${to.y + boxHeight}`
      : `M ${x1} ${y1} C ${x1 + gapX / 2} ${y1}, ${x2 - gapX / 2} ${y2}, ${x2} ${y2}`;
    root.append(svg('path', { d, class: edge.when ? 'edge conditional' : 'edge', 'marker-end': 'url(#arrow)' }, svg('title', {}, edge.when ? `when ${edge.when}` : `${edge.from} → ${edge.to}`)));
    if (edge.when) {
      root.append(svg('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, class: 'edge-label' }, edge.when.length > 24 ? edge.when.slice(0, 23) + '…' : edge.when));
    }
  }
  const boxes = new Map();
  for (const name of [...names, ...(hasEnd ? ['END'] : [])]) {
    const { x, y } = position.get(name);
    const status = svg('text', { x: x + 8, y: y + 36, class: 'node-status' }, name === 'END' ? '' : 'pending');
    const group = svg('g', { class: 'node s-pending', 'data-node': name, tabindex: 0 },
      svg('rect', { x, y, width: boxWidth, height: boxHeight, rx: 6 }),
      svg('text', { x: x + 8, y: y + 18, class: 'node-name' }, name.length > 18 ? name.slice(0, 17) + '…' : name),
      status,
      svg('title', {}, name));
    boxes.set(name, { group, status });
    root.append(group);
  }

  function update(run) {
    for (const [name, { group, status }] of boxes) {
      if (name === 'END') { group.setAttribute('class', `node s-${run.status === 'completed' ? 'completed' : 'pending'}`); continue; }
      const node = run.nodes?.[name];
      const state = node?.status || 'pending';
      group.setAttribute('class', `node s-${state}`);
      group.setAttribute('data-status', state);
      let text = state;
      if (node?.items) text = Object.entries(node.items).map(([k, v]) => `${v} ${k}`).join(', ');
      else if (node?.attempts > 1) text += ` · attempt ${node.attempts}`;
      status.textContent = text;
    }
  }
  return { element: root, update };
}
