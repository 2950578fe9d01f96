/**
 * A temperature logger's CSV, read in the browser before anything is sent: one reading a line, a time
 * (ISO 8601, or "YYYY-MM-DD HH:MM[:SS]" read as the browser's local time) and degrees Celsius, separated by
 * a comma, semicolon or tab; a header line is skipped. Pure. Lines that are not readings are named, so
 * the preview says what will not be sent.
 */
export interface Reading {
  at: string;
  celsius: number;
}

/** A line that is not a reading: its number (from 1), why, and the text at fault. */
export interface LineProblem {
  line: number;
  kind: 'COLUMNS' | 'TIME' | 'TEMPERATURE';
  text: string;
}

export interface ParsedReadings {
  readings: Reading[];
  problems: LineProblem[];
}

export function parseReadingsCsv(text: string): ParsedReadings {
  const readings: Reading[] = [];
  const problems: LineProblem[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const [time, value, ...rest] = line.split(/[,;\t]/).map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
    if (i === 0 && !/\d/.test(time ?? '')) return;
    const at = parseTime(time ?? '');
    const celsius = value === undefined || value === '' ? NaN : Number(value.replace(/\s*°?C$/i, ''));
    if (rest.length > 0 && rest.some((cell) => cell !== '')) problems.push({ line: i + 1, kind: 'COLUMNS', text: line });
    else if (!at) problems.push({ line: i + 1, kind: 'TIME', text: time ?? '' });
    else if (!Number.isFinite(celsius)) problems.push({ line: i + 1, kind: 'TEMPERATURE', text: value ?? '' });
    else readings.push({ at, celsius });
  });
  return { readings, problems };
}

function parseTime(text: string): string | null {
  const local = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  const date = local
    ? new Date(+local[1], +local[2] - 1, +local[3], +local[4], +local[5], +(local[6] ?? 0))
    : /^\d{4}-\d{2}-\d{2}T/.test(text)
      ? new Date(text)
      : null;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}

/** What the preview shows: how many, from when to when, the lowest and highest, and how many lie outside the product's range. */
export function summarize(readings: Reading[], range: { minC: number | null; maxC: number | null }) {
  const times = readings.map((r) => r.at).sort();
  const values = readings.map((r) => r.celsius);
  const outside = readings.filter((r) => (range.minC != null && r.celsius < range.minC) || (range.maxC != null && r.celsius > range.maxC)).length;
  return { count: readings.length, from: times[0] ?? null, to: times[times.length - 1] ?? null, minC: Math.min(...values), maxC: Math.max(...values), outside };
}
