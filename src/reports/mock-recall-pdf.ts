import { A4, pdfDocument, textAt, textWidth, wrapText } from '../common/pdf.js';
import type { MockRecallReport } from './mock-recall-model.js';
import {
  allBatches,
  BALANCE_COLUMNS,
  balanceTable,
  BATCH_COLUMNS,
  batchCells,
  both,
  type Cell,
  CHECK_COLUMNS,
  checkCells,
  chinaTime,
  EDGE_COLUMNS,
  edgeCells,
  hasLinesOutsideTrace,
  headerFields,
  HOLDER_COLUMNS,
  holderCells,
  LABELS,
  lotName,
  type Pair,
  summaryRows,
} from './report-text.js';

const PAGE = { width: A4.height, height: A4.width }; // A4 landscape: the tables are wide
const MARGIN = { left: 36, right: 36, top: 36, bottom: 42 };
const WIDTH = PAGE.width - MARGIN.left - MARGIN.right; // 770 pt
const BODY = 7.5;
const LEADING = 10;
const PAD = 3;
const RED = '0.72 0.11 0.11 rg';

/** Column widths in points, each table's summing to the page's width. */
const WIDTHS = {
  batch: [30, 110, 80, 62, 110, 110, 120, 60, 88],
  holder: [170, 340, 100, 160],
  edge: [300, 300, 170],
  check: [150, 210, 260, 150],
  balance: [110, 450, 210],
  keyValue: [190, 580],
};

/**
 * Text laid out top to bottom on as many pages as it takes: a new page when the next line or table
 * row does not fit, a table's header again at the top of each page it continues on.
 */
class Flow {
  readonly pages: string[][] = [];
  private y = 0;

  constructor() {
    this.newPage();
  }

  private newPage(): void {
    this.pages.push([]);
    this.y = PAGE.height - MARGIN.top;
  }

  private draw(op: string): void {
    this.pages[this.pages.length - 1].push(op);
  }

  private fits(height: number): boolean {
    return this.y - height >= MARGIN.bottom;
  }

  /** Text with its top at the current line; bold is the fill-and-stroke render mode (the font has no bold face). */
  private text(x: number, size: number, text: string, style: { bold?: boolean; bad?: boolean } = {}): void {
    const op = textAt(x, this.y - size, size, text);
    if (!style.bold && !style.bad) return this.draw(op);
    this.draw(`q ${style.bad ? `${RED} ${RED.replace('rg', 'RG')} ` : ''}${style.bold ? '0.25 w 2 Tr ' : ''}\n${op}\nQ`);
  }

  space(height: number): void {
    this.y -= height;
  }

  paragraph(text: string, size = BODY, style: { bold?: boolean; bad?: boolean } = {}): void {
    const leading = size * 1.35;
    for (const line of wrapText(text, size, WIDTH)) {
      if (!this.fits(leading)) this.newPage();
      this.text(MARGIN.left, size, line, style);
      this.y -= leading;
    }
  }

  /** A section heading, kept with at least a few lines of what follows it. */
  heading(pair: Pair): void {
    this.space(8);
    if (!this.fits(14 + 4 * LEADING)) this.newPage();
    this.text(MARGIN.left, 11, both(pair), { bold: true });
    this.y -= 14;
    this.draw(`0.12 0.3 0.17 RG 1 w ${MARGIN.left} ${this.y.toFixed(2)} m ${MARGIN.left + WIDTH} ${this.y.toFixed(2)} l S 0 G`);
    this.y -= 5;
  }

  /** Rows of cells in columns, wrapped within them; the header (Chinese over English) repeats on each page. */
  table(columns: Pair[] | null, widths: number[], rows: Cell[][]): void {
    const xs = widths.map((_, i) => MARGIN.left + widths.slice(0, i).reduce((a, w) => a + w, 0));
    const rule = () => this.draw(`0.75 G 0.4 w ${MARGIN.left} ${this.y.toFixed(2)} m ${MARGIN.left + WIDTH} ${this.y.toFixed(2)} l S 0 G`);
    const header = () => {
      if (!columns) return;
      const height = 2 * LEADING + PAD;
      this.draw(`0.93 0.95 0.92 rg ${MARGIN.left} ${(this.y - height).toFixed(2)} ${WIDTH} ${height} re f 0 g`);
      this.y -= PAD / 2;
      columns.forEach(([zh], i) => this.text(xs[i] + PAD, BODY, zh, { bold: true }));
      this.y -= LEADING;
      columns.forEach(([, en], i) => this.text(xs[i] + PAD, BODY, en));
      this.y -= LEADING + PAD / 2;
      rule();
    };
    if (rows.length === 0) return this.paragraph(both(LABELS.none));
    if (!this.fits(2 * LEADING + PAD + LEADING + PAD)) this.newPage();
    header();
    for (const row of rows) {
      const cells = row.map((c, i) => ({ ...c, wrapped: c.lines.flatMap((line) => wrapText(line, BODY, widths[i] - 2 * PAD)) }));
      const height = Math.max(...cells.map((c) => c.wrapped.length));
      // A row goes to the next page whole, unless it is taller than a page: then it continues there.
      if (!this.fits(height * LEADING + PAD) && height * LEADING + PAD < PAGE.height - MARGIN.top - MARGIN.bottom - 3 * LEADING) {
        this.newPage();
        header();
      }
      this.y -= PAD / 2;
      for (let line = 0; line < height; line++) {
        if (!this.fits(LEADING)) {
          this.newPage();
          header();
        }
        cells.forEach((c, i) => {
          const text = c.wrapped[line];
          if (!text) return;
          const x = c.numeric ? xs[i] + widths[i] - PAD - textWidth(text, BODY) : xs[i] + PAD;
          this.text(x, BODY, text, { bad: c.bad });
        });
        this.y -= LEADING;
      }
      this.y -= PAD / 2;
      rule();
    }
    this.space(6);
  }

  /** Every page numbered at its foot, with what the report is about. */
  finish(footer: string): string[] {
    return this.pages.map((ops, i) => {
      const page = `第 ${i + 1} / ${this.pages.length} 页 Page ${i + 1} of ${this.pages.length}`;
      const right = MARGIN.left + WIDTH - textWidth(page, 7);
      return [...ops, `0.4 g`, textAt(MARGIN.left, 22, 7, footer), textAt(right, 22, 7, page), '0 g'].join('\n');
    });
  }
}

/** The report as an A4 landscape PDF: the same sections as the HTML, tables as aligned text. */
export function mockRecallPdf(report: MockRecallReport): Buffer {
  const flow = new Flow();
  flow.paragraph(both(LABELS.title), 16, { bold: true });
  flow.paragraph(lotName(report.lot), 13, { bold: true });
  flow.space(6);
  flow.table(
    null,
    WIDTHS.keyValue,
    headerFields(report).map(([label, value]) => [{ lines: [both(label)] }, { lines: [value] }]),
  );
  flow.paragraph(both(LABELS.elapsedNote));

  flow.heading(LABELS.summary);
  flow.table(
    null,
    WIDTHS.keyValue,
    summaryRows(report).map(([label, c]) => [{ lines: [both(label)] }, c]),
  );
  flow.heading(LABELS.upstream);
  flow.table(BATCH_COLUMNS, WIDTHS.batch, report.upstream.map(batchCells));
  flow.heading(LABELS.downstream);
  flow.table(BATCH_COLUMNS, WIDTHS.batch, report.downstream.map(batchCells));
  flow.heading(LABELS.holdersSection);
  flow.table(HOLDER_COLUMNS, WIDTHS.holder, report.holders.map(holderCells));

  flow.heading(LABELS.massBalance);
  if (report.transformations.length === 0) flow.paragraph(both(LABELS.none));
  for (const balance of report.transformations.map(balanceTable)) {
    flow.paragraph(balance.title, BODY + 0.5, { bold: true });
    flow.space(2);
    flow.table(BALANCE_COLUMNS, WIDTHS.balance, balance.rows);
  }
  if (hasLinesOutsideTrace(report)) flow.paragraph(both(LABELS.notInTrace));
  flow.heading(LABELS.edges);
  flow.table(EDGE_COLUMNS, WIDTHS.edge, report.edges.map(edgeCells));
  flow.heading(LABELS.checks);
  flow.table(CHECK_COLUMNS, WIDTHS.check, allBatches(report).map(checkCells));
  flow.space(6);
  flow.paragraph(`${both(LABELS.source)} ${report.lot.id}`);

  const footer = `${both(LABELS.title)}  ${lotName(report.lot)}  ${chinaTime(report.generatedAt)} (UTC+8)`;
  return pdfDocument(flow.finish(footer), { page: PAGE, title: `${LABELS.title[0]} ${LABELS.title[1]} ${lotName(report.lot)}` });
}
