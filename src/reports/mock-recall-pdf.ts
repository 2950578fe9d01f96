import PDFDocument from 'pdfkit';
import { A4, pdfBuffer, registerReportFonts } from '../common/pdf-fonts.js';
import type { MockRecallReport, ReportTemperatureChart } from './mock-recall-model.js';
import { niceTicks, tracePicture, temperatureRange } from './report-figures.js';
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
const RED = '#b81c1c';
const GREEN = '#1f4d2b';
const GREY = '#666666';

/** Column widths in points, each table's summing to the page's width. */
const WIDTHS = {
  batch: [30, 110, 80, 62, 110, 110, 120, 60, 88],
  holder: [170, 340, 100, 160],
  edge: [300, 300, 170],
  check: [150, 210, 260, 150],
  balance: [110, 450, 210],
  keyValue: [190, 580],
};

type Style = { bold?: boolean; bad?: boolean; color?: string };

/**
 * Text laid out top to bottom on as many pages as it takes: a new page when the next line or table
 * row does not fit, a table's header again at the top of each page it continues on. `y` is the top
 * of the next line, in points from the top of the page (pdfkit's direction).
 */
class Flow {
  private y = MARGIN.top;
  private pageCount = 1;

  constructor(readonly doc: PDFKit.PDFDocument) {}

  get top(): number {
    return this.y;
  }

  newPage(): void {
    this.doc.addPage();
    this.pageCount++;
    this.y = MARGIN.top;
  }

  private bottom(): number {
    return PAGE.height - MARGIN.bottom;
  }

  fits(height: number): boolean {
    return this.y + height <= this.bottom();
  }

  private readonly advances = new Map<string, number>();

  /**
   * A line's width, as the sum of its characters' advances (each measured once per face): pdfkit's own
   * measure shapes the whole string each call, which made wrapping a long table cell quadratic.
   */
  width(text: string, size: number, bold = false): number {
    let em = 0;
    for (const ch of text) {
      const key = bold ? `b${ch}` : ch;
      let advance = this.advances.get(key);
      if (advance === undefined) {
        advance =
          this.doc
            .font(bold ? 'bold' : 'regular')
            .fontSize(1000)
            .widthOfString(ch) / 1000;
        this.advances.set(key, advance);
      }
      em += advance;
    }
    return em * size;
  }

  /** Lines no wider than `width`: broken at a space when the line has one, else anywhere (Chinese has no spaces between words). */
  wrap(text: string, size: number, width: number, bold = false): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split('\n')) {
      let line = '';
      for (const ch of paragraph) {
        if (line !== '' && this.width(line + ch, size, bold) > width) {
          const space = line.lastIndexOf(' ');
          if (ch !== ' ' && space > 0) {
            lines.push(line.slice(0, space));
            line = line.slice(space + 1) + ch;
          } else {
            lines.push(line);
            line = ch === ' ' ? '' : ch;
          }
        } else {
          line += ch;
        }
      }
      lines.push(line);
    }
    return lines;
  }

  /** One line of text with its top at `y`. */
  textAt(x: number, y: number, size: number, text: string, style: Style = {}): void {
    this.doc
      .font(style.bold ? 'bold' : 'regular')
      .fontSize(size)
      .fillColor(style.bad ? RED : (style.color ?? 'black'))
      .text(text, x, y, { lineBreak: false });
  }

  private text(x: number, size: number, text: string, style: Style = {}): void {
    this.textAt(x, this.y, size, text, style);
  }

  space(height: number): void {
    this.y += height;
  }

  paragraph(text: string, size = BODY, style: Style = {}): void {
    const leading = size * 1.35;
    for (const line of this.wrap(text, size, WIDTH, style.bold)) {
      if (!this.fits(leading)) this.newPage();
      this.text(MARGIN.left, size, line, style);
      this.y += leading;
    }
  }

  /** A section heading, kept with at least `keep` points of what follows it. */
  heading(pair: Pair, keep = 4 * LEADING): void {
    this.space(8);
    if (!this.fits(14 + keep)) this.newPage();
    this.text(MARGIN.left, 11, both(pair), { bold: true, color: GREEN });
    this.y += 16;
    this.doc
      .moveTo(MARGIN.left, this.y)
      .lineTo(MARGIN.left + WIDTH, this.y)
      .lineWidth(1)
      .strokeColor(GREEN)
      .stroke();
    this.y += 5;
  }

  /** Rows of cells in columns, wrapped within them; the header (Chinese over English) repeats on each page. */
  table(columns: Pair[] | null, widths: number[], rows: Cell[][]): void {
    const xs = widths.map((_, i) => MARGIN.left + widths.slice(0, i).reduce((a, w) => a + w, 0));
    const rule = () =>
      this.doc
        .moveTo(MARGIN.left, this.y)
        .lineTo(MARGIN.left + WIDTH, this.y)
        .lineWidth(0.4)
        .strokeColor('#bfbfbf')
        .stroke();
    const header = () => {
      if (!columns) return;
      const height = 2 * LEADING + PAD;
      this.doc.rect(MARGIN.left, this.y, WIDTH, height).fillColor('#edf2eb').fill();
      this.y += PAD / 2;
      columns.forEach(([zh], i) => this.text(xs[i] + PAD, BODY, zh, { bold: true }));
      this.y += LEADING;
      columns.forEach(([, en], i) => this.text(xs[i] + PAD, BODY, en, { color: GREY }));
      this.y += LEADING + PAD / 2;
      rule();
    };
    if (rows.length === 0) return this.paragraph(both(LABELS.none));
    if (!this.fits(2 * LEADING + PAD + LEADING + PAD)) this.newPage();
    header();
    for (const row of rows) {
      const cells = row.map((c, i) => ({ ...c, wrapped: c.lines.flatMap((line) => this.wrap(line, BODY, widths[i] - 2 * PAD)) }));
      const height = Math.max(...cells.map((c) => c.wrapped.length));
      // A row goes to the next page whole, unless it is taller than a page: then it continues there.
      if (!this.fits(height * LEADING + PAD) && height * LEADING + PAD < PAGE.height - MARGIN.top - MARGIN.bottom - 3 * LEADING) {
        this.newPage();
        header();
      }
      this.y += PAD / 2;
      for (let line = 0; line < height; line++) {
        if (!this.fits(LEADING)) {
          this.newPage();
          header();
        }
        cells.forEach((c, i) => {
          const text = c.wrapped[line];
          if (!text) return;
          const x = c.numeric ? xs[i] + widths[i] - PAD - this.width(text, BODY) : xs[i] + PAD;
          this.text(x, BODY, text, { bad: c.bad });
        });
        this.y += LEADING;
      }
      this.y += PAD / 2;
      rule();
    }
    this.space(6);
  }

  /** Every page numbered at its foot, with what the report is about. */
  finish(footer: string): void {
    for (let i = 0; i < this.pageCount; i++) {
      this.doc.switchToPage(i);
      const page = `第 ${i + 1} / ${this.pageCount} 页 Page ${i + 1} of ${this.pageCount}`;
      const y = PAGE.height - 28;
      this.textAt(MARGIN.left, y, 7, footer, { color: GREY });
      this.textAt(MARGIN.left + WIDTH - this.width(page, 7), y, 7, page, { color: GREY });
    }
  }
}

/** Shortened with an ellipsis to fit `width`. */
function fitted(flow: Flow, text: string, size: number, width: number, bold = false): string {
  if (flow.width(text, size, bold) <= width) return text;
  let cut = text;
  while (cut.length > 1 && flow.width(`${cut}…`, size, bold) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

const BOX = { height: 24, gap: 6 };

/** The trace as boxes in columns joined by lines, origins on the left: a reader sees at once where the lot came from and went. */
function drawTracePicture(flow: Flow, report: MockRecallReport): void {
  const room = PAGE.height - MARGIN.top - MARGIN.bottom - 40;
  flow.heading(LABELS.tracePicture, Math.min(room, 6 * (BOX.height + BOX.gap)));
  const available = PAGE.height - MARGIN.bottom - flow.top - 4;
  const picture = tracePicture(report, Math.max(2, Math.floor(available / (BOX.height + BOX.gap))));
  const columnWidth = WIDTH / picture.columns;
  const boxWidth = Math.min(170, columnWidth - 18);
  const tallest = Math.max(...picture.boxes.map((b) => b.row + 1), 1) + (picture.hidden.some((n) => n > 0) ? 1 : 0);
  const top = flow.top;
  const at = (column: number, row: number) => ({
    x: MARGIN.left + column * columnWidth + (columnWidth - boxWidth) / 2,
    y: top + row * (BOX.height + BOX.gap),
  });
  const { doc } = flow;
  for (const { from, to } of picture.links) {
    const a = at(from.column, from.row);
    const b = at(to.column, to.row);
    const [x1, y1, x2, y2] = [a.x + boxWidth, a.y + BOX.height / 2, b.x, b.y + BOX.height / 2];
    const mid = (x1 + x2) / 2;
    doc.moveTo(x1, y1).bezierCurveTo(mid, y1, mid, y2, x2, y2).lineWidth(0.6).strokeColor('#7a8b7f').stroke();
    doc
      .polygon([x2, y2], [x2 - 4, y2 - 2], [x2 - 4, y2 + 2])
      .fillColor('#7a8b7f')
      .fill();
  }
  for (const box of picture.boxes) {
    const { x, y } = at(box.column, box.row);
    const b = box.batch;
    const isLot = box.column === picture.lotColumn && b.id === report.lot.id;
    const flagged = b.recalled || b.held || b.coldChain.status === 'EXCURSION' || b.inspections.some((i) => i.verdict === 'FAIL');
    doc
      .roundedRect(x, y, boxWidth, BOX.height, 3)
      .lineWidth(flagged ? 1.2 : 0.6)
      .fillColor(isLot ? GREEN : '#f7f9f6')
      .strokeColor(flagged ? RED : GREEN)
      .fillAndStroke();
    const color = isLot ? 'white' : 'black';
    flow.textAt(x + 4, y + 2.5, 7, fitted(flow, b.productName, 7, boxWidth - 8, true), { bold: true, color });
    flow.textAt(x + 4, y + 12.5, 6.5, fitted(flow, `${b.lotCode} · ${b.holder}`, 6.5, boxWidth - 8), { color: isLot ? 'white' : GREY });
  }
  picture.hidden.forEach((count, column) => {
    if (count === 0) return;
    const rows = picture.boxes.filter((b) => b.column === column).length;
    const { x, y } = at(column, rows);
    flow.textAt(x + 4, y + 6, 7, `${LABELS.moreBatches[0]} ${count} 批 · ${count} ${LABELS.moreBatches[1]}`, { color: GREY });
  });
  flow.space(tallest * (BOX.height + BOX.gap) + 4);
}

const CHART = { height: 150, left: 40, bottom: 26 };

/** One batch's temperatures over time: readings as a line, the product's limits dashed, excursions as red bands, with a legend. */
function drawTemperatureChart(flow: Flow, chart: ReportTemperatureChart): void {
  const total = 14 + CHART.height + CHART.bottom + 8;
  if (!flow.fits(total)) flow.newPage();
  const { doc } = flow;
  flow.textAt(MARGIN.left, flow.top, 8.5, lotName(chart), { bold: true });
  flow.space(14);
  const plot = { x: MARGIN.left + CHART.left, y: flow.top, width: WIDTH - CHART.left - 150, height: CHART.height };
  const times = chart.readings.map((r) => r.at.getTime());
  const t0 = Math.min(...times, ...chart.excursions.map((e) => e.start.getTime()));
  const t1 = Math.max(...times, ...chart.excursions.map((e) => e.end.getTime()), t0 + 60_000);
  const range = temperatureRange(
    chart.readings.map((r) => r.celsius),
    [chart.minTempC, chart.maxTempC],
  );
  const xOf = (t: number) => plot.x + ((t - t0) / (t1 - t0)) * plot.width;
  const yOf = (c: number) => plot.y + plot.height - ((c - range.min) / (range.max - range.min)) * plot.height;

  for (const e of chart.excursions) {
    const x = xOf(e.start.getTime());
    doc
      .rect(x, plot.y, Math.max(1.5, xOf(e.end.getTime()) - x), plot.height)
      .fillColor('#f3c4c4')
      .fill();
  }
  for (const tick of niceTicks(range.min, range.max, 5)) {
    const y = yOf(tick);
    doc
      .moveTo(plot.x, y)
      .lineTo(plot.x + plot.width, y)
      .lineWidth(0.3)
      .strokeColor('#dddddd')
      .stroke();
    const label = `${tick} °C`;
    flow.textAt(plot.x - 4 - flow.width(label, 7), y - 4.5, 7, label, { color: GREY });
  }
  const timeTicks = 5;
  for (let i = 0; i <= timeTicks; i++) {
    const t = t0 + ((t1 - t0) * i) / timeTicks;
    const x = xOf(t);
    doc
      .moveTo(x, plot.y + plot.height)
      .lineTo(x, plot.y + plot.height + 3)
      .lineWidth(0.5)
      .strokeColor(GREY)
      .stroke();
    const label = chinaTime(new Date(t));
    const w = flow.width(label, 7);
    flow.textAt(Math.min(Math.max(x - w / 2, plot.x - 20), plot.x + plot.width - w + 20), plot.y + plot.height + 5, 7, label, { color: GREY });
  }
  flow.textAt(plot.x, plot.y + plot.height + 15, 6.5, '时间（北京时间 UTC+8）Time (China, UTC+8)', { color: GREY });
  for (const limit of [chart.minTempC, chart.maxTempC]) {
    if (limit === null) continue;
    doc
      .moveTo(plot.x, yOf(limit))
      .lineTo(plot.x + plot.width, yOf(limit))
      .lineWidth(0.8)
      .dash(3, { space: 2 })
      .strokeColor(RED)
      .stroke()
      .undash();
  }
  if (chart.readings.length > 0) {
    const [first, ...rest] = chart.readings;
    doc.moveTo(xOf(first.at.getTime()), yOf(first.celsius));
    for (const r of rest) doc.lineTo(xOf(r.at.getTime()), yOf(r.celsius));
    doc.lineWidth(1).strokeColor('#1f5fa8').stroke();
  }
  doc.rect(plot.x, plot.y, plot.width, plot.height).lineWidth(0.5).strokeColor(GREY).stroke();

  // The legend, to the right of the plot.
  const lx = plot.x + plot.width + 14;
  let ly = plot.y + 4;
  doc
    .moveTo(lx, ly + 4)
    .lineTo(lx + 18, ly + 4)
    .lineWidth(1)
    .strokeColor('#1f5fa8')
    .stroke();
  flow.textAt(lx + 22, ly, 7, both(LABELS.legendReadings));
  ly += 13;
  doc
    .moveTo(lx, ly + 4)
    .lineTo(lx + 18, ly + 4)
    .lineWidth(0.8)
    .dash(3, { space: 2 })
    .strokeColor(RED)
    .stroke()
    .undash();
  const limits = [chart.minTempC, chart.maxTempC].map((l) => (l === null ? '—' : `${l}`)).join(' ~ ');
  flow.textAt(lx + 22, ly, 7, `${both(LABELS.legendLimits)} ${limits} °C`);
  ly += 13;
  doc
    .rect(lx, ly + 1, 18, 6)
    .fillColor('#f3c4c4')
    .fill();
  flow.textAt(lx + 22, ly, 7, `${both(LABELS.legendExcursion)} (${chart.excursions.length})`);
  flow.space(CHART.height + CHART.bottom + 8);
}

/** The report as an A4 landscape PDF: the same sections as the HTML, with the trace picture and temperature charts, its font subset embedded. */
export function mockRecallPdf(report: MockRecallReport): Promise<Buffer> {
  const title = `${LABELS.title[0]} ${LABELS.title[1]} ${lotName(report.lot)}`;
  const doc = new PDFDocument({
    size: [PAGE.width, PAGE.height],
    margin: 0,
    bufferPages: true, // the footers say "page i of n", known once the last page is laid out
    pdfVersion: '1.7',
    info: { Title: title, Creator: 'Suyuan 溯源', Producer: 'Suyuan 溯源', CreationDate: report.generatedAt },
  });
  const done = pdfBuffer(doc);
  registerReportFonts(doc);

  const flow = new Flow(doc);
  flow.paragraph(both(LABELS.title), 16, { bold: true, color: GREEN });
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
  drawTracePicture(flow, report);
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
  if (report.temperatureCharts.length > 0) {
    flow.heading(LABELS.temperature, CHART.height + CHART.bottom + 30);
    flow.paragraph(both(LABELS.chartsShown), BODY, { color: GREY });
    flow.space(4);
    for (const chart of report.temperatureCharts) drawTemperatureChart(flow, chart);
  }
  flow.space(6);
  flow.paragraph(`${both(LABELS.source)} ${report.lot.id}`);

  flow.finish(`${both(LABELS.title)}  ${lotName(report.lot)}  ${chinaTime(report.generatedAt)} (UTC+8)`);
  doc.end();
  return done;
}
