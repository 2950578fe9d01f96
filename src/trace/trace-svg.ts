import { html, joinMarkup, raw } from '../common/html.js';

export interface TraceDrawing {
  direction: 'UPSTREAM' | 'DOWNSTREAM';
  nodes: { id: string; depth: number; label: string; sublabel: string; status: string; held: boolean; recalled: boolean }[];
  edges: { fromBatchId: string; toBatchId: string; quantity: number | null }[];
}

const ARROW_DEFS = raw(
  '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto">' +
    '<path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>',
);
const COLUMN = 220;
const ROW = 70;
const BOX = { width: 180, height: 48 };

/**
 * The trace as a picture, origin on the left and shelf on the right: a column per step of lineage,
 * a box per batch (red when recalled, amber when held), an arrow per edge with its quantity.
 */
export function renderTraceSvg(trace: TraceDrawing): string {
  const maxDepth = Math.max(0, ...trace.nodes.map((n) => n.depth));
  // Upstream walks go backwards in time: the deepest (the farms) stand on the left.
  const column = (depth: number) => (trace.direction === 'UPSTREAM' ? maxDepth - depth : depth);
  const rows = new Map<number, number>();
  const position = new Map<string, { x: number; y: number }>();
  for (const node of trace.nodes) {
    const c = column(node.depth);
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    position.set(node.id, { x: 20 + c * COLUMN, y: 20 + r * ROW });
  }
  const width = 40 + (maxDepth + 1) * COLUMN;
  const height = 40 + Math.max(1, ...rows.values()) * ROW;
  const arrows = trace.edges
    .filter((edge) => position.has(edge.fromBatchId) && position.has(edge.toBatchId))
    .map((edge) => {
      const from = position.get(edge.fromBatchId)!;
      const to = position.get(edge.toBatchId)!;
      const [x1, y1, x2, y2] = [from.x + BOX.width, from.y + BOX.height / 2, to.x, to.y + BOX.height / 2];
      const label =
        edge.quantity !== null && html`<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 4}" font-size="10" text-anchor="middle">${edge.quantity}</text>`;
      return html`<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" stroke="#555" marker-end="url(#arrow)"/>${label}`;
    });
  const boxes = trace.nodes.map((node) => {
    const { x, y } = position.get(node.id)!;
    const fill = node.recalled ? '#fde2e2' : node.held ? '#fff1cc' : '#eef6ee';
    const stroke = node.recalled ? '#b91c1c' : node.held ? '#b7791f' : '#4a7a4a';
    const box = html`<rect x="${x}" y="${y}" width="${BOX.width}" height="${BOX.height}" rx="8" fill="${fill}" stroke="${stroke}"/>`;
    const label = html`<text x="${x + 8}" y="${y + 19}" font-size="12" font-weight="600">${node.label}</text>`;
    const sublabel = html`<text x="${x + 8}" y="${y + 37}" font-size="10">${node.sublabel} · ${node.status}</text>`;
    return html`<g class="batch ${node.recalled ? 'recalled' : node.held ? 'held' : ''}" data-batch="${node.id}">${box}
${label}${sublabel}</g>`;
  });
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="sans-serif">
${ARROW_DEFS}
${arrows}
${joinMarkup(boxes, '\n')}
</svg>`.toString();
}
