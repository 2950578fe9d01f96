import { describe, expect, it } from '@jest/globals';
import { Blocklist, blocklistCsv, blocklistJson } from './blocklist.js';

const list: Blocklist = {
  lots: [
    {
      gtin: '06901234567892',
      lot: 'XZD-2026-0042',
      productName: '小站稻 大米, 5kg',
      traceCode: 'BEE47H368BSY',
      recallId: 'a1b2c3d4-0000-4000-8000-000000000001',
      level: 'LEVEL_2',
      recallStatus: 'OPEN',
      recalledAt: new Date('2026-12-01T02:00:00.000Z'),
    },
    {
      gtin: '06901234567892',
      lot: '=HYPERLINK("x")',
      productName: 'p',
      traceCode: 'CCCCCCCCCCCC',
      recallId: 'a1b2c3d4-0000-4000-8000-000000000002',
      level: 'LEVEL_1',
      recallStatus: 'CLOSED',
      recalledAt: new Date('2026-11-01T02:00:00.000Z'),
    },
  ],
  lotsWithoutGtin: 3,
};

describe('the recall blocklist', () => {
  it('as JSON: every lot exactly as printed, its recall and its page; nothing that changes between identical lists', () => {
    const json = JSON.parse(blocklistJson(list, 'https://trace.example.cn'));
    expect(json).toEqual({
      count: 2,
      lotsWithoutGtin: 3,
      lots: [
        {
          gtin: '06901234567892',
          lot: 'XZD-2026-0042',
          productName: '小站稻 大米, 5kg',
          recallId: 'a1b2c3d4-0000-4000-8000-000000000001',
          level: 'LEVEL_2',
          recallStatus: 'OPEN',
          recalledAt: '2026-12-01T02:00:00.000Z',
          page: 'https://trace.example.cn/q/BEE47H368BSY',
        },
        expect.objectContaining({ lot: '=HYPERLINK("x")', recallStatus: 'CLOSED' }),
      ],
    });
    expect(blocklistJson(list, 'https://trace.example.cn')).toBe(blocklistJson({ ...list }, 'https://trace.example.cn'));
  });

  it('as CSV: a header, a row a lot, quoted where needed and never a formula to a spreadsheet', () => {
    const csv = blocklistCsv(list, 'https://trace.example.cn');
    expect(csv.startsWith('\ufeffgtin,lot,product_name,recall_id,level,recall_status,recalled_at,page\r\n')).toBe(true);
    const rows = csv.slice(1).split('\r\n');
    expect(rows[1]).toBe(
      '06901234567892,XZD-2026-0042,"小站稻 大米, 5kg",a1b2c3d4-0000-4000-8000-000000000001,LEVEL_2,OPEN,2026-12-01T02:00:00.000Z,https://trace.example.cn/q/BEE47H368BSY',
    );
    expect(rows[2].startsWith(`06901234567892,"'=HYPERLINK(""x"")",p,`)).toBe(true);
    expect(rows).toHaveLength(4); // header, two lots, and the empty string after the last line end
  });
});
