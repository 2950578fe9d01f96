import { describe, expect, it } from '@jest/globals';
import { expectedBytes, fileNameOf, formatBytes, percentOf } from './browser/download-progress.js';
import { fieldOfError } from './browser/field-errors.js';

describe('a download’s file name', () => {
  it('is the one Content-Disposition gives, the UTF-8 form first', () => {
    expect(fileNameOf('attachment; filename="trace-1a2b3c4d-downstream.csv"', 'trace.csv')).toBe('trace-1a2b3c4d-downstream.csv');
    expect(fileNameOf('inline; filename=report.pdf', 'x.pdf')).toBe('report.pdf');
    expect(fileNameOf(`attachment; filename="fallback.csv"; filename*=UTF-8''%E5%B0%8F%E7%AB%99%E7%A8%BB.csv`, 'x.csv')).toBe('小站稻.csv');
  });

  it('falls back when the header gives none, or a path or a hidden name', () => {
    expect(fileNameOf(null, 'events.csv')).toBe('events.csv');
    expect(fileNameOf('attachment', 'events.csv')).toBe('events.csv');
    expect(fileNameOf('attachment; filename="../../etc/passwd"', 'events.csv')).toBe('passwd');
    expect(fileNameOf('attachment; filename=".."', 'events.csv')).toBe('events.csv');
    expect(fileNameOf(`attachment; filename*=UTF-8''%E0%A4%A`, 'events.csv')).toBe('events.csv');
  });
});

describe('a download’s progress', () => {
  it('knows the size only from an uncompressed answer’s Content-Length', () => {
    expect(expectedBytes('1234', null)).toBe(1234);
    expect(expectedBytes('1234', 'identity')).toBe(1234);
    // A compressed answer's length counts bytes the reader never sees.
    expect(expectedBytes('1234', 'gzip')).toBeNull();
    expect(expectedBytes(null, null)).toBeNull();
    expect(expectedBytes('12x', null)).toBeNull();
  });

  it('is a whole percent, never past 100, unknown without a size', () => {
    expect(percentOf(0, 200)).toBe(0);
    expect(percentOf(199, 200)).toBe(99);
    expect(percentOf(200, 200)).toBe(100);
    expect(percentOf(300, 200)).toBe(100);
    expect(percentOf(0, 0)).toBe(100);
    expect(percentOf(500, null)).toBeNull();
  });

  it('says bytes in SI units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1500)).toBe('1.5 kB');
    expect(formatBytes(2_345_678)).toBe('2.3 MB');
    expect(formatBytes(7_000_000_000)).toBe('7.0 GB');
  });
});

describe('which certificate field an API error is about', () => {
  it('names fields with digits in them, as the certificate mutations do', () => {
    const fields = ['certificateId', 'documentSha256', 'number', 'validUntil'];
    expect(fieldOfError('documentSha256: certificate 1 was recorded with document aa, not bb', fields)).toBe('documentSha256');
    expect(fieldOfError('documentSha256 must be the SHA-256 of the certificate document: 64 lowercase hex digits', fields)).toBe('documentSha256');
    expect(fieldOfError('number: a ORGANIC certificate number is 17 digits, got "1"', fields)).toBe('number');
    expect(fieldOfError('certificate 1 is already attested by 天津市市场监督管理局', fields)).toBeNull();
  });
});
