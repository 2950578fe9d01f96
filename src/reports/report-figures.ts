import type { MockRecallReport, ReportBatch } from './mock-recall-model.js';

/** Where the PDF's figures put things: the trace picture's boxes and lines, the temperature chart's scales. Pure. */

export interface PictureBox {
  batch: ReportBatch;
  column: number;
  row: number;
}

export interface TracePicture {
  columns: number;
  /** Boxes in each column (those that fit), the lot's column at `lotColumn`. */
  boxes: PictureBox[];
  /** Batches of each column left out for want of room, by column. */
  hidden: number[];
  lotColumn: number;
  /** Lines between drawn boxes, input to output. */
  links: { from: PictureBox; to: PictureBox }[];
}

/**
 * The trace as columns, origins on the left, the lot in the middle, the shelf on the right: a batch's
 * column is its depth upstream (to the left) or downstream (to the right) of the lot. A column with
 * more batches than `rowsPerColumn` shows the first ones and says how many more there are.
 */
export function tracePicture(report: MockRecallReport, rowsPerColumn: number): TracePicture {
  const maxUp = Math.max(0, ...report.upstream.map((b) => b.depth));
  const maxDown = Math.max(0, ...report.downstream.map((b) => b.depth));
  const lotColumn = maxUp;
  const columnOf = new Map<string, number>([[report.lot.id, lotColumn]]);
  const inColumn: ReportBatch[][] = Array.from({ length: maxUp + maxDown + 1 }, () => []);
  inColumn[lotColumn].push(report.lot);
  const place = (b: ReportBatch, column: number) => {
    if (columnOf.has(b.id)) return;
    columnOf.set(b.id, column);
    inColumn[column].push(b);
  };
  report.upstream.forEach((b) => place(b, lotColumn - b.depth));
  report.downstream.forEach((b) => place(b, lotColumn + b.depth));

  const boxes: PictureBox[] = [];
  const hidden = inColumn.map((batches, column) => {
    // Room for the "more" line takes one box's place.
    const shown = batches.length > rowsPerColumn ? batches.slice(0, Math.max(1, rowsPerColumn - 1)) : batches;
    shown.forEach((batch, row) => boxes.push({ batch, column, row }));
    return batches.length - shown.length;
  });
  const boxOf = new Map(boxes.map((b) => [b.batch.id, b]));
  const links = report.edges
    .map((e) => ({ from: boxOf.get(e.from.id), to: boxOf.get(e.to.id) }))
    .filter((l): l is { from: PictureBox; to: PictureBox } => !!l.from && !!l.to);
  return { columns: inColumn.length, boxes, hidden, lotColumn, links };
}

/** Axis ticks at a step of 1, 2 or 5 times a power of ten, about `count` of them, spanning [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Math.round(t / step) * step + 0); // + 0: no "-0 °C"
  return ticks;
}

/** The temperature axis: every reading and both limits in view, with a little room above and below. */
export function temperatureRange(celsius: number[], limits: (number | null)[]): { min: number; max: number } {
  const values = [...celsius, ...limits.filter((l): l is number => l !== null)];
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (max - min < 2) {
    min -= 1;
    max += 1;
  }
  const pad = (max - min) * 0.08;
  return { min: Math.floor(min - pad), max: Math.ceil(max + pad) };
}
