import { describe, expect, it } from '@jest/globals';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import request from 'supertest';
import { createOrg, registerBatch, registerFacility, registerProduct } from '../support/builders.js';
import { LEDGER_SIZE, VERIFY_LEDGER } from '../support/documents.js';
import { readFixtureJson } from '../support/fixtures.js';
import { gql, gqlOk, TEST_ADMIN_KEY, useTestApp } from '../support/test-app.js';

/**
 * Issue 15, point 3: an EPCIS error declaration is captured as an append-only correction (the event
 * stays in the ledger; new entries mark it declared erroneous, and the page, trace and export show it),
 * and TransactionEvents link lots to business transactions. Documents are written in GS1's style
 * (EPCIS 2.0 JSON-LD, CBV 2.0 words), each one posted to POST /epcis/capture as a partner would.
 */
describe('EPCIS error declarations and TransactionEvents', () => {
  const service = useTestApp();
  const ledgerSize = async () => (await gqlOk(service.app, LEDGER_SIZE)).ledgerInfo.size as number;
  const capture = (body: unknown, key: string) =>
    request(service.app.getHttpServer())
      .post('/epcis/capture')
      .set('content-type', 'application/ld+json')
      .set('authorization', `Bearer ${key}`)
      .send(JSON.stringify(body));
  const documentOf = (...eventList: unknown[]) => ({
    '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: '2026-11-22T10:05:00Z',
    epcisBody: { eventList },
  });
  const ledgerIsValid = async () => (await gqlOk(service.app, VERIFY_LEDGER, undefined, TEST_ADMIN_KEY)).verifyLedger;

  let farms = 0;
  /** A farm with a 100 kg lot of a product with a GTIN, at a facility with a GLN (new ones each time). */
  async function farm() {
    const { app } = service;
    const n = ++farms;
    const gln = withCheckDigit(`69012350${String(n).padStart(3, '0')}0`);
    const gtin = withCheckDigit(`069012351${String(n).padStart(3, '0')}0`);
    const org = await createOrg(app, 'PRODUCER', `Correcting farm ${n}`);
    const site = await registerFacility(app, org, { gln, region: '天津市宁河区' });
    const product = await registerProduct(app, org, { name: 'Rice', gtin });
    const lot = await registerBatch(app, org, product, site, { lotCode: 'RICE-1', quantity: 100, unit: 'kg' });
    const lotClass = `https://id.gs1.org/01/${gtin}/10/RICE-1`;
    const storing = (overrides: Record<string, unknown> = {}) => ({
      type: 'ObjectEvent',
      eventID: `urn:uuid:2f6b1c3e-4d5a-4b7c-8e9f-${String(n).padStart(12, '0')}`,
      eventTime: '2026-11-20T10:00:00+08:00',
      eventTimeZoneOffset: '+08:00',
      action: 'OBSERVE',
      bizStep: 'storing',
      bizLocation: { id: `https://id.gs1.org/414/${gln}` },
      quantityList: [{ epcClass: lotClass, quantity: 100, uom: 'KGM' }],
      ...overrides,
    });
    const events = async (key = org.key) =>
      (
        await gqlOk(
          app,
          `query($id: ID!) { batch(id: $id) { events { seq hash type payload
             errorDeclaration { eventID declarationTime reason correctiveEventIDs declarationSeq declaredBy } } } }`,
          { id: lot.id },
          key,
        )
      ).batch.events as {
        seq: number;
        hash: string;
        type: string;
        payload: Record<string, unknown>;
        errorDeclaration: Record<string, unknown> | null;
      }[];
    return { org, site, lot, lotClass, gln, storing, events };
  }

  const declaration = {
    declarationTime: '2026-11-21T09:00:00+08:00',
    reason: 'urn:epcglobal:cbv:er:incorrect_data',
    correctiveEventIDs: ['urn:uuid:9d0e1f2a-3b4c-4d5e-8f60-718293a4b5c6'],
  };

  it('marks a captured event declared erroneous and keeps it: the ledger, GraphQL, trace, the page and the export all show the correction', async () => {
    const { app } = service;
    const { org, lot, storing, events } = await farm();
    expect((await capture(documentOf(storing()), org.key)).status).toBe(202);
    const [original] = (await events()).filter((e) => e.type === 'EVENT_RECORDED');
    const size = await ledgerSize();

    const res = await capture(documentOf({ ...storing(), errorDeclaration: declaration }), org.key);
    expect(res.status).toBe(202);
    expect(res.body.events).toEqual([{ index: 0, eventID: storing().eventID, batchIds: [lot.id], declaredErroneous: true }]);
    expect(await ledgerSize()).toBe(size + 1);

    // The original stays as it was; one new entry on the lot's chain names it.
    const after = await events();
    expect(after.find((e) => e.seq === original.seq)).toMatchObject({ hash: original.hash, payload: original.payload });
    const marks = after.filter((e) => e.type === 'EVENT_DECLARED_ERRONEOUS');
    expect(marks.map((e) => e.payload)).toEqual([
      {
        eventID: storing().eventID,
        erroneousSeqs: [original.seq],
        erroneousHashes: [original.hash],
        declarationTime: '2026-11-21T01:00:00.000Z',
        reason: declaration.reason,
        correctiveEventIDs: declaration.correctiveEventIDs,
      },
    ]);
    expect(after.filter((e) => e.errorDeclaration !== null)).toEqual([
      expect.objectContaining({
        seq: original.seq,
        errorDeclaration: {
          eventID: storing().eventID,
          declarationTime: '2026-11-21T01:00:00.000Z',
          reason: declaration.reason,
          correctiveEventIDs: declaration.correctiveEventIDs,
          declarationSeq: marks[0].seq,
          declaredBy: org.id,
        },
      }),
    ]);

    // A trace's nodes carry it too.
    const trace = await gqlOk(
      app,
      'query($id: ID!) { trace(batchId: $id, direction: DOWNSTREAM) { nodes { batch { events { seq errorDeclaration { reason } } } } } }',
      { id: lot.id },
      org.key,
    );
    const traced = trace.trace.nodes[0].batch.events as { seq: number; errorDeclaration: { reason: string } | null }[];
    expect(traced.find((e) => e.seq === original.seq)!.errorDeclaration).toEqual({ reason: declaration.reason });

    // The page marks the step, in words, for the phone to show as not checked (the declaration's entry is not in its proof).
    const page = (await request(app.getHttpServer()).get(`/q/${lot.traceCode}?lang=en`)).text;
    const step = page.match(new RegExp(`<li data-seq="${original.seq}">.*?</li>`, 's'))?.[0] ?? '';
    expect(step).toContain('data-fact="declared-erroneous"');
    expect(step).toContain('Declared erroneous by its recorder (incorrect data)');

    // So does the consumer's GraphQL timeline, to anyone holding the label.
    const scanned = await gqlOk(app, 'query($c: String!) { scan(code: $c) { timeline { bizStep declaredErroneous } } }', { c: lot.traceCode });
    expect(scanned.scan.timeline).toEqual([
      { bizStep: 'COMMISSIONING', declaredErroneous: null },
      { bizStep: 'STORING', declaredErroneous: declaration.reason },
    ]);

    // The export adds errorDeclaration to the event, and still validates against GS1's schema.
    const regulator = await createOrg(app, 'REGULATOR');
    const exported = JSON.parse(
      (await request(app.getHttpServer()).get(`/epcis/events?batchId=${lot.id}`).set('authorization', `Bearer ${regulator.key}`)).text,
    );
    const declared = exported.epcisBody.eventList.filter((e: { errorDeclaration?: unknown }) => e.errorDeclaration);
    expect(declared).toEqual([
      expect.objectContaining({
        bizStep: 'storing',
        // The reason in the bare word EPCIS JSON has for it (the URN form was sent).
        errorDeclaration: { declarationTime: '2026-11-21T01:00:00.000Z', reason: 'incorrect_data', correctiveEventIDs: declaration.correctiveEventIDs },
      }),
    ]);
    expect(schemaProblems(exported)).toEqual([]);

    // The regulators' sheet keeps the row and says, in its last column, that it was declared erroneous and what corrects it.
    const sheet = (await request(app.getHttpServer()).get(`/exports/trace.csv?batchId=${lot.id}`).set('authorization', `Bearer ${regulator.key}`)).text;
    const lines = sheet.split('\r\n');
    expect(lines[0]).toMatch(/,Ledger Seq,Entry Hash,Declared Erroneous$/);
    expect(lines.filter((line) => line.includes(original.hash))).toEqual([
      expect.stringMatching(new RegExp(`,${original.seq},${original.hash},${declaration.reason} \\(corrected by ${declaration.correctiveEventIDs[0]}\\)$`)),
    ]);
    expect(lines.filter((line) => /,[0-9a-f]{64},.+$/.test(line))).toHaveLength(1);
    expect(await ledgerIsValid()).toMatchObject({ valid: true });
  });

  it('takes the same declaration again as a repeat, and refuses another declaration, a changed event, an unknown one and another organization’s', async () => {
    const { app } = service;
    const { org, storing, lotClass } = await farm();
    const strangers = [await createOrg(app, 'PRODUCER'), await createOrg(app, 'REGULATOR')];
    expect((await capture(documentOf(storing()), org.key)).status).toBe(202);
    expect((await capture(documentOf({ ...storing(), errorDeclaration: declaration }), org.key)).status).toBe(202);
    const size = await ledgerSize();

    // The same declaration, its time written in UTC: a repeat, nothing written.
    const again = await capture(documentOf({ ...storing(), errorDeclaration: { ...declaration, declarationTime: '2026-11-21T01:00:00Z' } }), org.key);
    expect(again.status).toBe(202);
    expect(again.body.events[0]).toMatchObject({ declaredErroneous: true, repeat: true });

    const otherReason = await capture(documentOf({ ...storing(), errorDeclaration: { ...declaration, reason: 'did_not_occur' } }), org.key);
    expect(otherReason.status).toBe(409);
    expect(otherReason.body.errors[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'EVENT_ID_CONFLICT', eventIndex: 0 });
    expect(otherReason.body.errors[0].message).toContain(`eventList[0]: errorDeclaration: event ${storing().eventID} was declared erroneous before`);

    const changed = storing({ quantityList: [{ epcClass: lotClass, quantity: 90, uom: 'KGM' }] });
    const mismatch = await capture(documentOf({ ...changed, errorDeclaration: declaration }), org.key);
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.errors[0].message).toContain(`event ${storing().eventID} was captured with other content`);

    const unknown = 'urn:uuid:00000000-0000-4000-8000-00000000dead';
    const notFound = await capture(documentOf({ ...storing({ eventID: unknown }), errorDeclaration: declaration }), org.key);
    expect(notFound.status).toBe(404);
    expect(notFound.body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'EVENT_NOT_FOUND' });
    expect(notFound.body.errors[0].message).toBe(
      `eventList[0]: errorDeclaration: your organization has captured no event ${unknown}; ` +
        'an error declaration names an event you captured before, by its eventID',
    );

    // Another organization, a regulator included, cannot declare the farm's event erroneous: to it the event is unknown.
    for (const stranger of strangers) {
      const refused = await capture(documentOf({ ...storing(), errorDeclaration: declaration }), stranger.key);
      expect(refused.status).toBe(404);
      expect(refused.body.errors[0].extensions.reason).toBe('EVENT_NOT_FOUND');
    }
    const malformed = await capture(documentOf({ ...storing(), errorDeclaration: { reason: 'incorrect_data' } }), org.key);
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors[0].extensions.events[0].reason).toMatch(/^errorDeclaration\.declarationTime must be/);
    expect(await ledgerSize()).toBe(size);
  });

  it('with proceed, captures an event and its declaration and reports a declaration of an unknown event in the job, leaving it out', async () => {
    const { org, storing, events } = await farm();
    const unknown = 'urn:uuid:00000000-0000-4000-8000-00000000beef';
    const size = await ledgerSize();
    const res = await capture(
      documentOf(storing(), { ...storing({ eventID: unknown }), errorDeclaration: declaration }, { ...storing(), errorDeclaration: declaration }),
      org.key,
    ).set('GS1-Capture-Error-Behaviour', 'proceed');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ success: false, captureErrorBehaviour: 'proceed' });
    expect(res.body.events.map((e: { index: number }) => e.index)).toEqual([0, 2]);
    expect(res.body.events[1]).toMatchObject({ declaredErroneous: true });
    expect(res.body.errors).toEqual([expect.objectContaining({ eventIndex: 1, code: 'EVENT_NOT_FOUND' })]);
    // The storing event and one declaration on its chain: nothing of the refused declaration.
    expect(await ledgerSize()).toBe(size + 2);
    const marked = (await events()).filter((e) => e.type === 'EVENT_RECORDED');
    expect(marked).toHaveLength(1);
    expect(marked[0].errorDeclaration).toMatchObject({ eventID: storing().eventID, reason: declaration.reason });
    expect(await ledgerIsValid()).toMatchObject({ valid: true });
  });

  it('declares an event without eventID, captured earlier in the same document, by its CBV 2.0 hash ID; on every chain a transformation touched', async () => {
    const { app } = service;
    const { org, lot, lotClass, gln, events } = await farm();
    const gtin = lotClass.split('/')[4];
    const milling = {
      type: 'TransformationEvent',
      eventTime: '2026-11-20T12:00:00+08:00',
      eventTimeZoneOffset: '+08:00',
      bizStep: 'https://ref.gs1.org/cbv/BizStep-commissioning',
      bizLocation: { id: `https://id.gs1.org/414/${gln}` },
      inputQuantityList: [{ epcClass: lotClass, quantity: 40, uom: 'KGM' }],
      outputQuantityList: [{ epcClass: `https://id.gs1.org/01/${gtin}/10/MILLED-1`, quantity: 30, uom: 'KGM' }],
    };
    const declared1 = { ...milling, errorDeclaration: { declarationTime: '2026-11-20T13:00:00+08:00' } };
    // The same declaration twice in the document: the second is a repeat of the first.
    const res = await capture(documentOf(milling, declared1, declared1), org.key);
    expect(res.status).toBe(202);
    const [made, declared, repeated] = res.body.events;
    expect(declared).toMatchObject({ index: 1, eventID: null, declaredErroneous: true });
    expect(repeated).toMatchObject({ index: 2, declaredErroneous: true, repeat: true });
    expect(new Set(declared.batchIds)).toEqual(new Set(made.batchIds));
    const output = made.batchIds.find((id: string) => id !== lot.id);
    const outputEvents = (
      await gqlOk(app, 'query($id: ID!) { batch(id: $id) { events { type errorDeclaration { eventID reason } } } }', { id: output }, org.key)
    ).batch.events;
    expect(outputEvents).toEqual([
      { type: 'BATCH_REGISTERED', errorDeclaration: { eventID: expect.stringMatching(/^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/), reason: null } },
      { type: 'EVENT_DECLARED_ERRONEOUS', errorDeclaration: null },
    ]);
    const input = (await events()).filter((e) => e.payload.bizStep === 'TRANSFORMING');
    expect(input.map((e) => e.errorDeclaration?.eventID)).toEqual([outputEvents[0].errorDeclaration.eventID]);
    expect(await ledgerIsValid()).toMatchObject({ valid: true });
  });

  describe('TransactionEvents', () => {
    const purchaseOrder = { type: 'urn:epcglobal:cbv:btt:po', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000012:PO-1101' };
    const invoice = { type: 'inv', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000012:INV-77' };
    const transaction = (lotClass: string, overrides: Record<string, unknown> = {}) => ({
      type: 'TransactionEvent',
      eventTime: '2026-11-20T09:00:00+08:00',
      eventTimeZoneOffset: '+08:00',
      action: 'ADD',
      bizStep: 'https://ref.gs1.org/cbv/BizStep-shipping',
      disposition: 'https://ref.gs1.org/cbv/Disp-in_transit',
      bizTransactionList: [purchaseOrder, invoice],
      quantityList: [{ epcClass: lotClass, quantity: 100, uom: 'KGM' }],
      ...overrides,
    });

    it('links a lot to its business transactions as sent, unlinks one with DELETE, and keeps order numbers off the public page', async () => {
      const { app } = service;
      const { org, lot, lotClass, events } = await farm();
      const eventID = 'urn:uuid:3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
      const add = transaction(lotClass, { eventID });
      const size = await ledgerSize();
      const res = await capture(documentOf(add), org.key);
      expect(res.status).toBe(202);
      expect(res.body.events).toEqual([{ index: 0, eventID: eventID, batchIds: [lot.id] }]);
      expect(await ledgerSize()).toBe(size + 1);
      expect((await capture(documentOf(add), org.key)).body.events[0].repeat).toBe(true);
      expect(await ledgerSize()).toBe(size + 1);

      const unlink = transaction(lotClass, { action: 'DELETE', bizTransactionList: [invoice], eventTime: '2026-11-21T09:00:00+08:00' });
      expect((await capture(documentOf(unlink), org.key)).status).toBe(202);
      const links = (await events()).filter((e) => e.type === 'BUSINESS_TRANSACTIONS_RECORDED').map((e) => e.payload);
      expect(links).toEqual([
        {
          action: 'ADD',
          eventTime: '2026-11-20T01:00:00.000Z',
          bizTransactions: [purchaseOrder, invoice],
          quantity: 100,
          details: { epcisEventID: eventID, bizStep: add.bizStep, disposition: add.disposition, epcisHashId: expect.stringMatching(/\?ver=CBV2\.0$/) },
        },
        {
          action: 'DELETE',
          eventTime: '2026-11-21T01:00:00.000Z',
          bizTransactions: [invoice],
          quantity: 100,
          details: { bizStep: add.bizStep, disposition: add.disposition, epcisHashId: expect.stringMatching(/\?ver=CBV2\.0$/) },
        },
      ]);

      // The invoice is unlinked now: unlinking it again is refused, naming it; nothing is written.
      const before = await ledgerSize();
      const twice = await capture(documentOf({ ...unlink, eventTime: '2026-11-22T09:00:00+08:00' }), org.key);
      expect(twice.status).toBe(400);
      expect(twice.body.errors[0].message).toContain(
        `eventList[0]: action DELETE: lot RICE-1 of GTIN ${lotClass.split('/')[4]} is not linked to "${invoice.bizTransaction}"`,
      );
      expect(await ledgerSize()).toBe(before);

      // Linked and unlinked in one document: the DELETE sees the ADD before it.
      const despatch = { type: 'desadv', bizTransaction: 'urn:epcglobal:cbv:bt:0614141000012:DESADV-5' };
      const both = await capture(
        documentOf(
          transaction(lotClass, { bizTransactionList: [despatch], eventTime: '2026-11-23T09:00:00+08:00' }),
          transaction(lotClass, { action: 'DELETE', bizTransactionList: [despatch], eventTime: '2026-11-23T10:00:00+08:00' }),
        ),
        org.key,
      );
      expect(both.status).toBe(202);
      expect(await ledgerSize()).toBe(before + 2);

      const page = (await request(app.getHttpServer()).get(`/q/${lot.traceCode}?lang=en`)).text;
      expect(page).not.toContain('PO-1101');

      // The export gives the TransactionEvents back (CBV types as bare words), and validates against GS1's schema.
      const regulator = await createOrg(app, 'REGULATOR');
      const exported = JSON.parse(
        (await request(app.getHttpServer()).get(`/epcis/events?batchId=${lot.id}`).set('authorization', `Bearer ${regulator.key}`)).text,
      );
      const transactions = exported.epcisBody.eventList.filter((e: { type: string }) => e.type === 'TransactionEvent');
      expect(transactions.map((e: { action: string }) => e.action)).toEqual(['ADD', 'DELETE', 'ADD', 'DELETE']);
      expect(transactions[0]).toMatchObject({
        eventID,
        bizStep: add.bizStep,
        disposition: add.disposition,
        bizTransactionList: [{ type: 'po', bizTransaction: purchaseOrder.bizTransaction }, invoice],
        quantityList: [{ epcClass: lotClass, quantity: 100, uom: 'KGM' }],
      });
      expect(schemaProblems(exported)).toEqual([]);
      expect(await ledgerIsValid()).toMatchObject({ valid: true });
    });

    it('refuses a lot another organization holds, serial numbers, and a place not the caller’s own, each with a reason and nothing written', async () => {
      const { lotClass } = await farm();
      const other = await farm();
      const third = await farm();
      const size = await ledgerSize();

      const foreign = await capture(documentOf(transaction(lotClass)), other.org.key);
      expect(foreign.status).toBe(403);
      expect(foreign.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'BATCH_NOT_IN_CUSTODY' });
      expect(foreign.body.errors[0].message).toMatch(/^eventList\[0\]: lot RICE-1 of GTIN \d{14} is held by another organization/);

      const serialised = await capture(documentOf(transaction(other.lotClass, { epcList: ['urn:epc:id:sgtin:0614141.107346.2017'] })), other.org.key);
      expect(serialised.status).toBe(400);
      expect(serialised.body.errors[0].extensions).toMatchObject({ reason: 'EPCIS_NOT_MODELLED' });
      expect(serialised.body.errors[0].extensions.events[0].reason).toMatch(/^epcList: instance-level identifiers \(serial numbers\) are not modelled/);

      const elsewhere = await capture(documentOf(transaction(other.lotClass, { bizLocation: { id: `https://id.gs1.org/414/${third.gln}` } })), other.org.key);
      expect(elsewhere.status).toBe(403);
      expect(elsewhere.body.errors[0].extensions.reason).toBe('NOT_OWNER');
      expect(await ledgerSize()).toBe(size);
    });
  });

  it('lets whoever may not read the lot see neither its entries nor their declarations', async () => {
    const { app } = service;
    const { org, lot, storing } = await farm();
    await capture(documentOf(storing()), org.key);
    await capture(documentOf({ ...storing(), errorDeclaration: declaration }), org.key);
    const stranger = await createOrg(app, 'RETAILER');
    const res = await gql(app, 'query($id: ID!) { batch(id: $id) { events { errorDeclaration { reason } } } }', { id: lot.id }, stranger.key);
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_OWNER' });
  });
});

function schemaProblems(document: unknown): unknown[] {
  // Both are CommonJS: their class and function arrive as `default` of the default export under ESM.
  const Ajv = (AjvModule as unknown as { default: typeof AjvModule.default }).default;
  const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule.default }).default;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(readFixtureJson('epcis/EPCIS-JSON-Schema.json') as object);
  return validate(document) ? [] : (validate.errors ?? []);
}

function withCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[digits.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return digits + String((10 - (sum % 10)) % 10);
}
