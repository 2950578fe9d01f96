import { describe, expect, it } from '@jest/globals';
import { fieldOfError } from './browser/field-errors.js';
import { WORD_SETS } from './browser/words.js';
import { parseLookup } from './browser/lookup.js';
import { parseReadingsCsv, summarize } from './browser/readings-csv.js';
import { screensFor } from './browser/roles.js';
import { parseRoute } from './browser/router.js';

describe('the console’s lookup of a lot (trace code, label URL, Digital Link, GTIN + lot)', () => {
  it('reads a trace code as typed, in any case, or from the page URL a label encodes', () => {
    expect(parseLookup(' k7m2q9xa4bcd ')).toEqual({ traceCode: 'K7M2Q9XA4BCD' });
    expect(parseLookup('https://suyuan.example/q/K7M2Q9XA4BCD?lang=en')).toEqual({ traceCode: 'K7M2Q9XA4BCD' });
  });

  it('reads GTIN and lot from a GS1 Digital Link, the GTIN padded to 14 digits and the lot decoded', () => {
    expect(parseLookup('https://id.gs1.org/01/6901234567892/10/XZ%202026/21/0001')).toEqual({ gtin: '06901234567892', lotCode: 'XZ 2026' });
    expect(parseLookup('https://s.example/01/06901234567892/10/LOT-7?linkType=gs1:pip')).toEqual({ gtin: '06901234567892', lotCode: 'LOT-7' });
  });

  it('takes a GTIN with a lot typed beside it, and refuses what is none of these', () => {
    expect(parseLookup('6901234567892', ' LOT-7 ')).toEqual({ gtin: '06901234567892', lotCode: 'LOT-7' });
    expect(parseLookup('6901234567892')).toBeNull();
    // 0, O, 1, I, L, U and V are not in the trace code alphabet.
    expect(parseLookup('K7M2Q9XA4BC0')).toBeNull();
    expect(parseLookup('https://x.example/01/06901234567892/10/%E0%A4%A')).toBeNull();
    expect(parseLookup('   ')).toBeNull();
  });
});

describe('which field an API error is about', () => {
  const fields = ['bizStep', 'eventTime', 'facilityId', 'quantity', 'details.fieldName', 'details.harvestDate'];

  it('is the path the message starts with', () => {
    expect(fieldOfError('details.harvestDate must be a date as YYYY-MM-DD, got "x"', fields)).toBe('details.harvestDate');
    expect(fieldOfError("quantity is required for SHIPPING and must be more than 0 (in the batch's unit)", fields)).toBe('quantity');
    expect(fieldOfError('eventTime 2030-01-01T00:00:00.000Z is in the future', fields)).toBe('eventTime');
    expect(fieldOfError('events[0].facilityId: no facility has id x', fields)).toBe('facilityId');
    expect(fieldOfError('lotCode: a lot code must not have two spaces in a row', ['lotCode'])).toBe('lotCode');
    // A line of a list: the line's own field when the form has one.
    expect(fieldOfError('inputs[1].batchId: batch b2 is in transit', ['inputs[0].batchId', 'inputs[1].batchId'])).toBe('inputs[1].batchId');
    expect(fieldOfError('outputs[0].lotCode: lot code L1 is already used for this product', ['outputs[0].lotCode', 'lotCode'])).toBe('outputs[0].lotCode');
  });

  it('is none when the message names no field of the form', () => {
    expect(fieldOfError('batch b1 was shipped to organization plant; only that organization records its RECEIVING', fields)).toBeNull();
    expect(fieldOfError('', fields)).toBeNull();
  });
});

describe('navigation by role', () => {
  it('gives each kind the screens the API lets it use', () => {
    expect(screensFor('PRODUCER')).toEqual([
      'home',
      'batches',
      'registerBatch',
      'transform',
      'catalog',
      'receive',
      'holderRecalls',
      'packages',
      'unitLookup',
      'exports',
      'webhooks',
      'keys',
    ]);
    expect(screensFor('LOGISTICS')).toEqual([
      'home',
      'batches',
      'catalog',
      'receive',
      'holderRecalls',
      'packages',
      'unitLookup',
      'exports',
      'webhooks',
      'keys',
    ]);
    expect(screensFor('REGULATOR')).toEqual([
      'home',
      'find',
      'recalls',
      'held',
      'failedInspections',
      'excursions',
      'ledger',
      'unitLookup',
      'certificates',
      'exports',
      'webhooks',
      'keys',
    ]);
    // A lab finds a lot (batches by one lot's filter; it inspects from the story) and lists its failed inspections.
    expect(screensFor('LAB')).toEqual(['home', 'find', 'failedInspections', 'exports', 'webhooks', 'keys']);
    // A certification body attests certificates; it holds no goods.
    expect(screensFor('CERTIFIER')).toEqual(['home', 'certificates', 'exports', 'webhooks', 'keys']);
    // The admin key belongs to no organization: it creates them (it has no webhook: registerWebhook is an organization's).
    expect(screensFor(null)).toEqual(['home', 'organizations', 'held', 'failedInspections', 'excursions', 'ledger', 'exports']);
  });
});

describe('hash routes', () => {
  it('splits the path and its query', () => {
    const route = parseRoute('#/batch/0b7c/event?registered=1');
    expect([route.parts, route.query.get('registered')]).toEqual([['batch', '0b7c', 'event'], '1']);
    expect(parseRoute('').parts).toEqual([]);
  });
});

describe('a temperature logger’s CSV, read before it is sent', () => {
  it('reads time and °C a line, skipping the header, and names the lines it cannot read', () => {
    const csv =
      'time,celsius\r\n2026-11-01T00:00:00Z,4.5\n2026-11-01T00:10:00+08:00;5 °C\n\nyesterday,3\n2026-11-01T00:20:00Z,warm\n2026-11-01T00:30:00Z,1,2\n';
    expect(parseReadingsCsv(csv)).toEqual({
      readings: [
        { at: '2026-11-01T00:00:00.000Z', celsius: 4.5 },
        { at: '2026-10-31T16:10:00.000Z', celsius: 5 },
      ],
      problems: [
        { line: 5, kind: 'TIME', text: 'yesterday' },
        { line: 6, kind: 'TEMPERATURE', text: 'warm' },
        { line: 7, kind: 'COLUMNS', text: '2026-11-01T00:30:00Z,1,2' },
      ],
    });
  });

  it('summarizes count, span, extremes and readings outside the product’s range', () => {
    const readings = [
      { at: '2026-11-01T00:10:00.000Z', celsius: 12 },
      { at: '2026-11-01T00:00:00.000Z', celsius: 4 },
      { at: '2026-11-01T00:20:00.000Z', celsius: -1 },
    ];
    expect(summarize(readings, { minC: 0, maxC: 8 })).toEqual({
      count: 3,
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-01T00:20:00.000Z',
      minC: -1,
      maxC: 12,
      outside: 2,
    });
    expect(summarize(readings, { minC: null, maxC: null }).outside).toBe(0);
  });
});

describe('the console’s words', () => {
  it('has each key in one set only, so no screen’s word replaces another’s', () => {
    const owners = new Map<string, number>();
    const shared: string[] = [];
    WORD_SETS.forEach((set, i) => {
      for (const key of Object.keys(set)) {
        if (owners.has(key)) shared.push(key);
        owners.set(key, i);
      }
    });
    expect(shared).toEqual([]);
    expect(owners.size).toBeGreaterThan(100);
  });
});
