import { describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { gtinCheckDigit } from '../../src/products/gtin.js';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { ATTACH_CERTIFICATE, INITIATE_RECALL } from '../support/documents.js';
import { gqlOk, useTestApp } from '../support/test-app.js';

const BASE = 'http://localhost:3000';
const VOC = 'https://gs1.org/voc/';

/** GS1-Conformant resolver behaviour, as GS1's resolver test suite checks it, against the whole app. */
describe('GS1 Digital Link resolver', () => {
  const service = useTestApp();
  let gtins = 0;

  /** A product with a GTIN and one lot of it. */
  async function gtinLot(lotCode = `L-${process.pid}-${++gtins}`) {
    const { app } = service;
    const org = await createOrg(app, 'PRODUCER', '小站稻合作社');
    const facility = await registerFacility(app, org);
    const body = `69300000${String(++gtins).padStart(4, '0')}`;
    const gtin = `0${body}${gtinCheckDigit(body)}`;
    const productId = await registerProduct(app, org, { name: '小站稻 大米', gtin });
    const batch = await registerBatch(app, org, productId, facility, { lotCode });
    return { org, gtin, productId, batch, path: `/01/${gtin}/10/${encodeURIComponent(lotCode)}` };
  }
  const get = (path: string) => request(service.app.getHttpServer()).get(path);

  it('answers the default link (the lot’s page) with a 307, passing the query on and naming the linkset', async () => {
    const { batch, path, gtin } = await gtinLot('R/1');
    const res = await get(`${path}?17=261231`);
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe(`/q/${batch.traceCode}?17=261231`);
    expect(res.headers.link).toBe(`<${BASE}/01/${gtin}/10/R%2F1?linkType=linkset>; rel="linkset"; type="application/linkset+json"`);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    // GTIN-13, a serial and a trailing slash: the same lot.
    const short = await get(`/01/${gtin.slice(1)}/10/R%2F1/21/0001/`);
    expect([short.status, short.headers.location]).toEqual([307, `/q/${batch.traceCode}`]);
    expect((await request(service.app.getHttpServer()).head(path)).status).toBe(307);
  });

  it('honours linkType: traceability, recall status (the lot’s own notice once recalled), certificates only when there are some, 404 otherwise', async () => {
    const { app } = service;
    const { org, batch, path } = await gtinLot();
    const to = async (linkType: string) => {
      const res = await get(`${path}?linkType=${encodeURIComponent(linkType)}&17=261231`);
      return [res.status, res.headers.location ?? res.text];
    };
    expect(await to('gs1:pip')).toEqual([307, `/q/${batch.traceCode}?17=261231`]);
    expect(await to('https://gs1.org/voc/traceability')).toEqual([307, `/q/${batch.traceCode}/events?17=261231`]);
    expect(await to('gs1:recallStatus')).toEqual([307, '/recalls?17=261231']);
    const noCertificates = await get(`${path}?linkType=gs1:certificationInfo`);
    expect(noCertificates.status).toBe(404);
    expect(noCertificates.text).toContain('Neither this lot nor its product has certificates');
    expect(noCertificates.headers.link).toContain('linkType=linkset');
    // The lot's events in the EPCIS query interface, by its GS1 keys; the label's data attributes are not passed on (the query refuses unknown parameters).
    expect(await to('gs1:epcis')).toEqual([307, `/epcis/events?MATCH_epcClass=${encodeURIComponent(`https://id.gs1.org${path}`)}`]);
    // Followed with the producer's key, the link answers the lot's own events (its commissioning, recorded through GraphQL).
    const query = await request(app.getHttpServer())
      .get(String((await to('gs1:epcis'))[1]))
      .set('authorization', `Bearer ${org.key}`);
    expect(query.status).toBe(200);
    expect(query.body.epcisBody.queryResults.resultsBody.eventList).toEqual([
      expect.objectContaining({ bizStep: 'commissioning', quantityList: [expect.objectContaining({ epcClass: `https://id.gs1.org${path}` })] }),
    ]);
    expect((await get(`${path}?linkType=gs1:nutritionalInfo`)).status).toBe(404);

    const regulator = await createOrg(app, 'REGULATOR');
    const recall = (await gqlOk(app, INITIATE_RECALL, { input: { batchIds: [batch.id], level: 'LEVEL_2', reason: '镉超标' } }, regulator.key)).initiateRecall;
    expect(await to('gs1:recallStatus')).toEqual([307, `/recalls?17=261231#recall-${recall.id}`]);
    expect((await get('/recalls')).text).toContain(`id="recall-${recall.id}"`);
    await gqlOk(
      app,
      ATTACH_CERTIFICATE,
      {
        input: {
          batchId: batch.id,
          kind: 'ORGANIC',
          number: '12345678901234567',
          issuer: '中绿华夏有机产品认证中心',
          validFrom: '2020-01-01T00:00:00.000Z',
          validUntil: '2030-01-01T00:00:00.000Z',
          documentSha256: 'ab'.repeat(32),
        },
      },
      org.key,
    );
    expect(await to('gs1:certificationInfo')).toEqual([307, `/q/${batch.traceCode}?17=261231#certificates`]);
    expect((await get(`/q/${batch.traceCode}`)).text).toContain('<section id="certificates">');
  });

  it('answers the linkset (RFC 9264) for linkType=linkset or all and for Accept: application/linkset+json', async () => {
    const { batch, path, gtin } = await gtinLot();
    for (const res of [await get(`${path}?linkType=linkset`), await get(`${path}?linkType=all`), await get(path).set('accept', 'application/linkset+json')]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/linkset\+json/);
      expect(res.headers.link).toContain('rel="linkset"');
      const body = JSON.parse(res.text);
      expect(body.linkset).toHaveLength(1);
      const [context] = body.linkset;
      expect(context.anchor).toBe(`${BASE}${path}`);
      expect(context[`${VOC}defaultLink`]).toEqual([expect.objectContaining({ href: `${BASE}/q/${batch.traceCode}`, type: 'text/html' })]);
      expect(Object.keys(context).sort()).toEqual(
        ['anchor', 'description', ...['defaultLink', 'epcis', 'pip', 'recallStatus', 'traceability'].map((t) => VOC + t)].sort(),
      );
    }
    expect(gtin).toHaveLength(14);
  });

  it('resolves a GTIN alone or with a /22/ variant at product level: the product’s page, which lists no lots', async () => {
    const { gtin, batch } = await gtinLot();
    for (const path of [`/01/${gtin}`, `/01/${gtin}/`, `/01/${gtin}/22/V1`]) {
      const res = await get(path);
      expect([res.status, res.headers.location]).toEqual([307, `/products/${gtin}`]);
      expect(res.headers.link).toContain(`${BASE}/01/${gtin}`);
    }
    const page = await get(`/products/${gtin}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('小站稻 大米');
    expect(page.text).toContain('小站稻合作社');
    expect(page.text).not.toContain(batch.traceCode);
    expect(page.text).not.toContain(batch.lotCode);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const linkset = JSON.parse((await get(`/01/${gtin}?linkType=linkset`)).text);
    expect(Object.keys(linkset.linkset[0]).filter((k) => k.startsWith(VOC))).toEqual([`${VOC}defaultLink`, `${VOC}pip`, `${VOC}recallStatus`]);
    expect((await get(`/01/${gtin}?linkType=gs1:traceability`)).status).toBe(404);
    const unknown = `0693000099999${gtinCheckDigit('0693000099999')}`;
    expect((await get(`/01/${unknown}`)).status).toBe(404);
    expect((await get(`/products/${unknown}`)).status).toBe(404);
    expect((await get('/products/123')).status).toBe(400);
  });

  it('answers a malformed URI with a 400 that says what is wrong, as a page or as JSON with a code', async () => {
    const { gtin } = await gtinLot();
    const cases: [string, RegExp][] = [
      ['/01/06930000000019/10/X', /not a valid GTIN/],
      [`/01/${gtin}/21/S/10/L`, /out of order/],
      [`/01/${gtin}/10/${encodeURIComponent('批次 1')}`, /character set 82/],
      [`/01/${gtin}/17/261231`, /query string/],
      [`/01/${gtin}/10/L?17=991399`, /not a date/],
      ['/01', /no GTIN/],
      ['/01/', /no GTIN/],
    ];
    for (const [path, message] of cases) {
      const page = await get(path);
      expect([path, page.status, page.headers['content-type']]).toEqual([path, 400, expect.stringMatching(/^text\/html/)]);
      expect(page.text).toMatch(message);
      const json = await get(path).set('accept', 'application/json');
      expect(json.status).toBe(400);
      expect(json.body.errors[0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT' } });
    }
    const unknownLot = await get(`/01/${gtin}/10/NO-SUCH-LOT`);
    expect([unknownLot.status, unknownLot.text]).toEqual([404, expect.stringContaining('NO-SUCH-LOT')]);
  });

  it('describes itself at /.well-known/gs1resolver and answers CORS preflights', async () => {
    const description = await get('/.well-known/gs1resolver');
    expect(description.status).toBe(200);
    expect(description.headers['access-control-allow-origin']).toBe('*');
    expect(description.body).toEqual({
      name: expect.any(String),
      resolverRoot: BASE,
      supportedPrimaryKeys: ['01'],
      supportedLinkType: [{ namespace: VOC, prefix: 'gs1:' }],
      linkTypeDefaultCanBeLinkset: false,
    });
    for (const path of ['/01/06930000000019/10/X', '/.well-known/gs1resolver']) {
      const preflight = await request(service.app.getHttpServer())
        .options(path)
        .set('origin', 'https://scanner.example')
        .set('access-control-request-method', 'GET');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('*');
      expect(preflight.headers['access-control-allow-methods']).toContain('HEAD');
    }
  });
});
