import { describe, expect, it } from '@jest/globals';
import type { OrganizationCaller } from '../../src/auth/caller.js';
import { giStanding, giVerified } from '../../src/certificates/certificate-rules.js';
import { CertificatesRepository } from '../../src/certificates/certificates.repository.js';
import { CertificatesService } from '../../src/certificates/certificates.service.js';
import type { AttachCertificateInput } from '../../src/certificates/dto/attach-certificate.input.js';
import type { AttestCertificateInput } from '../../src/certificates/dto/attest-certificate.input.js';
import { ADMIN, useTestServices } from '../support/test-services.js';

const NOBODY = '00000000-0000-4000-8000-000000000000';

/** Certificate rules at the service: who attaches to what, who vouches for it, well-formed facts, and when a GI claim counts as certified. */
describe('certificates (CertificatesService)', () => {
  const world = useTestServices();
  const attach = (org: OrganizationCaller, input: AttachCertificateInput) => world.get(CertificatesService).attach(org, input);
  const attest = (org: OrganizationCaller, input: AttestCertificateInput) => world.get(CertificatesService).attest(org, input);
  const organic = (input: Partial<AttachCertificateInput>): AttachCertificateInput => ({
    kind: 'ORGANIC',
    number: '12345678901234567',
    issuer: '中绿华夏有机产品认证中心',
    validFrom: new Date('2026-01-01T00:00:00.000Z'),
    validUntil: new Date('2027-01-01T00:00:00.000Z'),
    documentSha256: 'ef'.repeat(32),
    ...input,
  });

  it('the product’s owner attaches a certificate: stored, and in the ledger with its facts', async () => {
    const org = await world.organization();
    const productId = await world.product(org, { name: '小站稻 稻谷', geographicIndication: '小站稻' });
    const before = await world.ledgerSize();
    const certificate = await attach(
      org,
      organic({ productId, kind: 'GEOGRAPHIC_INDICATION', number: 'AGI00123', issuer: '农业农村部', protectedName: '小站稻' }),
    );
    expect(certificate).toMatchObject({
      productId,
      batchId: null,
      organizationId: org.organizationId,
      kind: 'GEOGRAPHIC_INDICATION',
      protectedName: '小站稻',
      recordedBy: { id: org.organizationId },
      attestation: null,
      standing: 'DECLARED',
    });

    const [entry] = await world.entriesSince(before);
    expect(entry).toMatchObject({ type: 'CERTIFICATE_ATTACHED', batchId: null });
    expect(entry.body).toEqual({
      certificateId: certificate.id,
      kind: 'GEOGRAPHIC_INDICATION',
      number: 'AGI00123',
      issuer: '农业农村部',
      documentSha256: 'ef'.repeat(32),
      productId,
      protectedName: '小站稻',
      validFrom: '2026-01-01T00:00:00.000Z',
      validUntil: '2027-01-01T00:00:00.000Z',
    });
    expect((await world.get(CertificatesRepository).findForProduct(productId)).map((c) => c.id)).toEqual([certificate.id]);
  });

  it('refuses malformed facts, naming the field, and writes nothing', async () => {
    const org = await world.organization();
    const productId = await world.product(org);
    const { batch } = await world.producerWithBatch();
    const refused = (input: Partial<AttachCertificateInput>, message: string) =>
      world.refused(() => attach(org, organic({ productId, ...input })), 'INVALID_INPUT', message);

    await refused({ batchId: batch.id }, 'give either productId or batchId: the certificate covers one product or one batch');
    await refused({ productId: null }, 'give either productId or batchId: the certificate covers one product or one batch');
    await refused({ number: '1234567890123456' }, 'number: a ORGANIC certificate number is 17 digits, got "1234567890123456"');
    await refused(
      { kind: 'GREEN_FOOD', number: 'GF12345678901' },
      'number: a GREEN_FOOD certificate number is "GF" followed by 12 digits, got "GF12345678901"',
    );
    await refused({ validUntil: new Date('2026-01-01T00:00:00.000Z') }, 'validUntil 2026-01-01T00:00:00.000Z is not after validFrom 2026-01-01T00:00:00.000Z');
    await refused({ documentSha256: 'EF'.repeat(32) }, 'documentSha256 must be the SHA-256 of the certificate document: 64 lowercase hex digits');
    await refused(
      { kind: 'GEOGRAPHIC_INDICATION', number: 'AGI00123' },
      'protectedName is required for a GEOGRAPHIC_INDICATION certificate: the protected name, e.g. 小站稻',
    );
    await refused({ protectedName: '小站稻' }, 'protectedName is only for GEOGRAPHIC_INDICATION certificates, not ORGANIC');
    expect(await world.get(CertificatesRepository).findForProduct(productId)).toEqual([]);
  });

  it('only the product’s owner or the batch’s producer declares a certificate: a custodian, a stranger and the admin are refused', async () => {
    const { org: farm, facilityId: yard, productId, batch } = await world.producerWithBatch();
    const shop = await world.organization('RETAILER');
    const stranger = await world.organization();

    await world.refused(() => attach(shop, organic({ productId })), 'NOT_OWNER', `product ${productId} belongs to another organization`);
    await world.refused(() => attach(shop, organic({ productId: NOBODY })), 'PRODUCT_NOT_FOUND', `no product has id ${NOBODY}`);
    await world.refused(() => attach(shop, organic({ batchId: NOBODY })), 'BATCH_NOT_FOUND', `no batch has id ${NOBODY}`);
    await world.refused(
      () => world.get(CertificatesService).attach(ADMIN, organic({ productId })),
      'ORGANIZATION_ONLY',
      'this is done by an organization with its own API key, not with the admin key',
    );

    // The shop holds the batch but did not produce it: it may not vouch for it, even of its own kind of certificate.
    await world.ship(farm, yard, batch.id, shop, 1000);
    await world.receive(shop, batch.id, 1000);
    const before = await world.ledgerSize();
    await world.refused(
      () => attach(shop, organic({ batchId: batch.id, kind: 'COMMITMENT', number: 'HG-2' })),
      'NOT_OWNER',
      `batch ${batch.id} is held by your organization but was produced by another: only its producer attaches certificates to it ` +
        '(and a regulator or certification body, the kinds it attests)',
    );
    await world.refused(() => attach(shop, organic({ batchId: batch.id })), 'NOT_OWNER', /is held by your organization but was produced by another/);
    await world.refused(
      () => attach(stranger, organic({ batchId: batch.id, kind: 'COMMITMENT', number: 'HG-4' })),
      'NOT_OWNER',
      /was not produced by your organization: only its producer attaches certificates/,
    );
    expect(await world.ledgerSize()).toBe(before);

    // The producer still may, after the batch has left it.
    const byFarm = await attach(farm, organic({ batchId: batch.id, kind: 'COMMITMENT', number: 'HG-3' }));
    expect(byFarm).toMatchObject({ recordedBy: { id: farm.organizationId }, standing: 'DECLARED' });
    expect((await world.entriesSince(before)).map((e) => [e.type, e.batchId])).toEqual([['CERTIFICATE_ATTACHED', batch.id]]);

    // The batch shows its own certificates and its product's.
    const product = await attach(farm, organic({ productId }));
    expect((await world.get(CertificatesRepository).findForBatch(batch.id, productId)).map((c) => c.id)).toEqual([byFarm.id, product.id]);
  });

  it('a certification body or regulator attaches to anyone’s product or batch, attested at once, with both entries in the ledger', async () => {
    const { productId, batch } = await world.producerWithBatch();
    const certifier = await world.organization('CERTIFIER', '中绿华夏有机产品认证中心');
    const regulator = await world.organization('REGULATOR', '天津市市场监督管理局');

    const before = await world.ledgerSize();
    const organicLot = await attach(certifier, organic({ batchId: batch.id }));
    expect(organicLot).toMatchObject({
      recordedBy: { id: certifier.organizationId, kind: 'CERTIFIER' },
      attestation: { by: { id: certifier.organizationId, name: '中绿华夏有机产品认证中心', kind: 'CERTIFIER' } },
      standing: 'ATTESTED',
    });
    const written = await world.entriesSince(before);
    expect(written.map((e) => [e.type, e.batchId])).toEqual([
      ['CERTIFICATE_ATTACHED', batch.id],
      ['CERTIFICATE_ATTESTED', batch.id],
    ]);
    expect(written[1].body).toEqual({ certificateId: organicLot.id, documentSha256: 'ef'.repeat(32) });

    const gi = await attach(
      regulator,
      organic({ productId, kind: 'GEOGRAPHIC_INDICATION', number: 'AGI00123', issuer: '农业农村部', protectedName: '小站稻' }),
    );
    expect(gi).toMatchObject({ standing: 'ATTESTED', attestation: { by: { kind: 'REGULATOR' } } });

    // A 承诺达标合格证 is the producer's own promise: no attester records one for it.
    await world.refused(
      () => attach(certifier, organic({ batchId: batch.id, kind: 'COMMITMENT', number: 'HG-9' })),
      'NOT_OWNER',
      /was not produced by your organization/,
    );
    await world.refused(() => attach(regulator, organic({ batchId: NOBODY })), 'BATCH_NOT_FOUND', `no batch has id ${NOBODY}`);
  });

  it('an attester vouches for a producer’s declared certificate once, for the document it checked; no one else may', async () => {
    const { org: farm, productId, batch } = await world.producerWithBatch();
    const certifier = await world.organization('CERTIFIER');
    const otherCertifier = await world.organization('CERTIFIER');
    const lab = await world.organization('LAB');
    const declared = await attach(farm, organic({ batchId: batch.id }));
    const commitment = await attach(farm, organic({ productId, kind: 'COMMITMENT', number: 'HG-1' }));
    const sha = 'ef'.repeat(32);

    for (const who of [farm, lab]) {
      await world.refused(
        () => attest(who, { certificateId: declared.id, documentSha256: sha }),
        'ROLE_NOT_ALLOWED',
        `attestCertificate is for a REGULATOR or CERTIFIER organization, not a ${who.organizationKind}`,
      );
    }
    await world.refused(
      () => attest(certifier, { certificateId: NOBODY, documentSha256: sha }),
      'CERTIFICATE_NOT_FOUND',
      `certificateId: no certificate has id ${NOBODY}`,
    );
    await world.refused(
      () => attest(certifier, { certificateId: commitment.id, documentSha256: sha }),
      'ROLE_NOT_ALLOWED',
      `certificate ${commitment.id} is a COMMITMENT (承诺达标合格证): its producer's own promise, which no one attests`,
    );
    await world.refused(
      () => attest(certifier, { certificateId: declared.id, documentSha256: 'ab'.repeat(32) }),
      'CERTIFICATE_DOCUMENT_MISMATCH',
      `documentSha256: certificate ${declared.id} was recorded with document ${sha}, not ${'ab'.repeat(32)}; attest only the document you checked`,
    );

    const before = await world.ledgerSize();
    const attested = await attest(certifier, { certificateId: declared.id, documentSha256: sha });
    expect(attested).toMatchObject({
      id: declared.id,
      recordedBy: { id: farm.organizationId },
      attestation: { by: { id: certifier.organizationId } },
      standing: 'ATTESTED',
    });
    const [entry] = await world.entriesSince(before);
    expect(entry).toMatchObject({ type: 'CERTIFICATE_ATTESTED', batchId: batch.id, body: { certificateId: declared.id, documentSha256: sha } });
    await world.refused(
      () => attest(otherCertifier, { certificateId: declared.id, documentSha256: sha }),
      'CERTIFICATE_ALREADY_ATTESTED',
      /^certificate .* is already attested by /,
    );
    expect(await world.ledgerSize()).toBe(before + 1);
  });

  it('a GI claim is certified only by an attested GI certificate of that name, valid at the time asked; the producer’s own is a declaration', async () => {
    const org = await world.organization();
    const regulator = await world.organization('REGULATOR');
    const productId = await world.product(org, { name: '小站稻 大米', geographicIndication: '小站稻' });
    const certificates = async () => world.get(CertificatesRepository).findForProduct(productId);
    const verifiedAt = async (when: string) => giVerified('小站稻', await certificates(), new Date(when));
    const gi = (input: Partial<AttachCertificateInput>) =>
      attach(org, organic({ productId, kind: 'GEOGRAPHIC_INDICATION', number: `AGI-${input.validFrom ? 2 : 1}`, issuer: '农业农村部', ...input }));

    expect(await verifiedAt('2026-06-01T00:00:00.000Z')).toBe(false);
    expect(giStanding('小站稻', await certificates(), new Date('2026-06-01T00:00:00.000Z'))).toBe('UNBACKED');
    // Another name and another kind do not back the claim.
    await gi({ protectedName: '独流老醋' });
    await attach(org, organic({ productId }));
    expect(await verifiedAt('2026-06-01T00:00:00.000Z')).toBe(false);
    // The producer's own GI certificate of that name: declared, never certified.
    const own = await gi({ protectedName: '小站稻', validFrom: new Date('2026-03-01T00:00:00.000Z'), validUntil: new Date('2026-09-01T00:00:00.000Z') });
    expect(await verifiedAt('2026-03-01T00:00:00.000Z')).toBe(false);
    expect(giStanding('小站稻', await certificates(), new Date('2026-03-01T00:00:00.000Z'))).toBe('DECLARED');
    // Once a regulator attests it, it certifies the claim while valid.
    await attest(regulator, { certificateId: own.id, documentSha256: own.documentSha256 });
    expect(await verifiedAt('2026-02-28T23:59:59.000Z')).toBe(false);
    expect(await verifiedAt('2026-03-01T00:00:00.000Z')).toBe(true);
    expect(await verifiedAt('2026-09-01T00:00:00.000Z')).toBe(true);
    expect(await verifiedAt('2026-09-01T00:00:01.000Z')).toBe(false);
  });
});
