import { describe, expect, it } from '@jest/globals';
import type { OrganizationCaller } from '../../src/auth/caller.js';
import { giVerified } from '../../src/certificates/certificate-rules.js';
import { CertificatesRepository } from '../../src/certificates/certificates.repository.js';
import { CertificatesService } from '../../src/certificates/certificates.service.js';
import type { AttachCertificateInput } from '../../src/certificates/dto/attach-certificate.input.js';
import { ADMIN, useTestServices } from '../support/test-services.js';

const NOBODY = '00000000-0000-4000-8000-000000000000';

/** Certificate rules at the service: who attaches to what, well-formed facts, and when a GI claim counts as verified. */
describe('certificates (CertificatesService)', () => {
  const world = useTestServices();
  const attach = (org: OrganizationCaller, input: AttachCertificateInput) => world.get(CertificatesService).attach(org, input);
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
    expect(certificate).toMatchObject({ productId, batchId: null, organizationId: org.organizationId, kind: 'GEOGRAPHIC_INDICATION', protectedName: '小站稻' });

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

  it('only the product’s owner, or the batch’s producer or custodian, attaches; the admin does not', async () => {
    const { org: farm, facilityId: yard, productId, batch } = await world.producerWithBatch();
    const shop = await world.organization('RETAILER');
    const stranger = await world.organization();

    await world.refused(() => attach(shop, organic({ productId })), 'NOT_OWNER', `product ${productId} belongs to another organization`);
    await world.refused(() => attach(shop, organic({ productId: NOBODY })), 'PRODUCT_NOT_FOUND', `no product has id ${NOBODY}`);
    await world.refused(() => attach(shop, organic({ batchId: NOBODY })), 'BATCH_NOT_FOUND', `no batch has id ${NOBODY}`);
    await world.refused(
      () => attach(shop, organic({ batchId: batch.id, kind: 'COMMITMENT', number: 'HG-1' })),
      'NOT_OWNER',
      `batch ${batch.id} is neither produced nor held by your organization`,
    );
    await world.refused(
      () => world.get(CertificatesService).attach(ADMIN, organic({ productId })),
      'ORGANIZATION_ONLY',
      'this is done by an organization with its own API key, not with the admin key',
    );

    // Once the shop holds the batch, it attaches its own; the producer still may.
    await world.ship(farm, yard, batch.id, shop, 1000);
    await world.receive(shop, batch.id, 1000);
    const before = await world.ledgerSize();
    const byShop = await attach(shop, organic({ batchId: batch.id, kind: 'COMMITMENT', number: 'HG-2' }));
    const byFarm = await attach(farm, organic({ batchId: batch.id, kind: 'COMMITMENT', number: 'HG-3' }));
    const written = await world.entriesSince(before);
    expect(written.map((e) => [e.type, e.batchId])).toEqual([
      ['CERTIFICATE_ATTACHED', batch.id],
      ['CERTIFICATE_ATTACHED', batch.id],
    ]);
    await world.refused(() => attach(stranger, organic({ batchId: batch.id, kind: 'COMMITMENT', number: 'HG-4' })), 'NOT_OWNER', /neither produced nor held/);

    // The batch shows its own certificates and its product's.
    const product = await attach(farm, organic({ productId }));
    expect((await world.get(CertificatesRepository).findForBatch(batch.id, productId)).map((c) => c.id)).toEqual([byShop.id, byFarm.id, product.id]);
  });

  it('a GI claim is verified only by a GI certificate of that name, valid at the time asked', async () => {
    const org = await world.organization();
    const productId = await world.product(org, { name: '小站稻 大米', geographicIndication: '小站稻' });
    const verifiedAt = async (when: string) => giVerified('小站稻', await world.get(CertificatesRepository).findForProduct(productId), new Date(when));
    const gi = (input: Partial<AttachCertificateInput>) =>
      attach(org, organic({ productId, kind: 'GEOGRAPHIC_INDICATION', number: `AGI-${input.validFrom ? 2 : 1}`, issuer: '农业农村部', ...input }));

    expect(await verifiedAt('2026-06-01T00:00:00.000Z')).toBe(false);
    // Another name and another kind do not back the claim.
    await gi({ protectedName: '独流老醋' });
    await attach(org, organic({ productId }));
    expect(await verifiedAt('2026-06-01T00:00:00.000Z')).toBe(false);
    await gi({ protectedName: '小站稻', validFrom: new Date('2026-03-01T00:00:00.000Z'), validUntil: new Date('2026-09-01T00:00:00.000Z') });
    expect(await verifiedAt('2026-02-28T23:59:59.000Z')).toBe(false);
    expect(await verifiedAt('2026-03-01T00:00:00.000Z')).toBe(true);
    expect(await verifiedAt('2026-09-01T00:00:00.000Z')).toBe(true);
    expect(await verifiedAt('2026-09-01T00:00:01.000Z')).toBe(false);
  });
});
