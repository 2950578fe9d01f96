import { describe, expect, it } from '@jest/globals';
import type { PublicCertificate } from '../certificates/certificate-rules.js';
import { certificatesSection, giBadge } from './claims-section.js';

const organic: PublicCertificate = {
  kind: 'ORGANIC',
  number: '12345678901234567',
  issuer: '中绿华夏有机产品认证中心',
  protectedName: null,
  validFrom: new Date('2026-01-01T00:00:00Z'),
  validUntil: new Date('2027-01-01T00:00:00Z'),
  recordedBy: '<b>合作社</b>',
  attestedBy: null,
  standing: 'DECLARED',
};

describe('the page’s claims', () => {
  it('says "certified" of a GI only when it is attested', () => {
    expect(giBadge('小站稻', 'ATTESTED', 'en')?.toString()).toBe(
      '<p class="gi gi-attested ok" data-fact="gi" data-value="小站稻|ATTESTED">Geographic indication: 小站稻 · certified</p>',
    );
    expect(giBadge('小站稻', 'DECLARED', 'en')?.toString()).toBe(
      '<p class="gi gi-declared" data-fact="gi" data-value="小站稻|DECLARED">Geographic indication: 小站稻 · declared by the producer, not attested</p>',
    );
    expect(giBadge('小站稻', 'UNBACKED', 'zh')?.toString()).toBe(
      '<p class="gi gi-unbacked" data-fact="gi" data-value="小站稻|UNBACKED">地理标志：小站稻 · 未见有效证书</p>',
    );
    expect(giBadge(null, null, 'zh')).toBeNull();
  });

  it('names who vouches for each certificate, escaped, and says certified only of an attested one', () => {
    const declared = certificatesSection([organic], 'en')!.toString();
    expect(declared).toContain(
      '<li class="certificate declared">Organic · 12345678901234567 · <span class="declared">declared by the producer &lt;b&gt;合作社&lt;/b&gt;',
    );
    expect(declared).not.toContain('certified');
    const attested = certificatesSection([{ ...organic, attestedBy: '中绿华夏有机产品认证中心', standing: 'ATTESTED' }], 'zh')!.toString();
    expect(attested).toContain('<li class="certificate attested">有机产品 · 12345678901234567 · <span class="attested">已认证：中绿华夏有机产品认证中心 核验');
    expect(certificatesSection([], 'en')).toBeNull();
    // With the entry that attached it, marked for the phone's check by the facts its words are made from.
    expect(certificatesSection([{ ...organic, seq: 12 }], 'en')!.toString()).toContain(
      '<li class="certificate declared" data-seq="12" data-fact="certificate" ' +
        'data-value="ORGANIC|12345678901234567|中绿华夏有机产品认证中心||2027-01-01T00:00:00.000Z|DECLARED|&lt;b&gt;合作社&lt;/b&gt;">',
    );
  });
});
