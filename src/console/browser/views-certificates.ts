import { ApiError, gql } from './api.js';
import { h, show } from './dom.js';
import { submitForm } from './forms.js';
import { formatTime, t, type Word } from './i18n.js';
import { viewer } from './session.js';
import { facts, field, type Field, input, notice, screen, select } from './ui.js';

/** What the console asks of a certificate (Batch.certificates, Product.certificates). */
const CERTIFICATE_SELECTION =
  'id kind number issuer protectedName validFrom validUntil documentSha256 standing attestedAt recordedBy { name } attestedBy { name }';
export const CERTIFICATE_FIELDS = `certificates { ${CERTIFICATE_SELECTION} }`;

export interface CertificateRow {
  id: string;
  kind: string;
  number: string;
  issuer: string;
  protectedName: string | null;
  validFrom: string;
  validUntil: string;
  documentSha256: string;
  standing: 'ATTESTED' | 'DECLARED';
  attestedAt: string | null;
  recordedBy: { name: string };
  attestedBy: { name: string } | null;
}

/** The certificate kinds, as the API names them (CertificateKind). */
const KINDS = ['GEOGRAPHIC_INDICATION', 'ORGANIC', 'GREEN_FOOD', 'COMMITMENT'] as const;
/** A regulator or a certification body vouches for GI, organic and green-food certificates; a 承诺达标合格证 is the producer's own promise. */
const ATTESTER_KINDS = ['REGULATOR', 'CERTIFIER'];
const attestable = (kind: string) => kind !== 'COMMITMENT';

export const isAttester = (): boolean => ATTESTER_KINDS.includes(viewer()?.organization?.kind ?? '');

/** A product's or batch's subject, as attachCertificate names it. */
export type Subject = { productId: string } | { batchId: string };

/**
 * A product's or batch's certificates: kind, number, issuer, validity, declared or attested and by whom;
 * `canAttach`: the form to attach one; an attester (regulator, certifier) attests a declared one in place.
 */
export function certificatesSection(subject: Subject, certificates: CertificateRow[], canAttach: boolean, reload: () => void): HTMLElement {
  return h(
    'section',
    { class: 'certificates', 'aria-label': t('certificates') },
    h('h2', {}, t('certificates')),
    certificateList(certificates, reload),
    canAttach ? h('details', { class: 'panel' }, h('summary', {}, t('attachCertificate')), attachForm(subject, reload)) : null,
  );
}

export function certificateList(certificates: CertificateRow[], reload: () => void): HTMLElement {
  if (certificates.length === 0) return h('p', { class: 'muted' }, t('certNone'));
  return h(
    'ul',
    { class: 'batch-list certificate-list' },
    ...certificates.map((c) =>
      h(
        'li',
        { 'data-certificate': c.number, 'data-standing': c.standing },
        h('strong', {}, t(c.kind as Word)),
        c.protectedName ? ` · ${c.protectedName}` : '',
        h('span', { class: `badge standing-${c.standing}` }, t(c.standing)),
        facts([
          [t('certNumber'), h('code', {}, c.number)],
          [t('certIssuer'), c.issuer],
          [t('certValidity'), `${formatDay(c.validFrom)} – ${formatDay(c.validUntil)}`],
          [t('certRecordedBy'), c.recordedBy.name],
          ...(c.attestedBy ? ([[t('certAttestedBy'), `${c.attestedBy.name} · ${c.attestedAt ? formatTime(c.attestedAt) : ''}`]] as [string, string][]) : []),
          [t('certId'), h('code', { class: 'certificate-id' }, c.id)],
        ]),
        isAttester() && c.standing === 'DECLARED' && attestable(c.kind)
          ? h('details', { class: 'panel' }, h('summary', {}, t('attestCertificate')), attestForm(c.id, false, reload))
          : null,
      ),
    ),
  );
}

function formatDay(iso: string): string {
  return iso.slice(0, 10);
}

/** The document file's SHA-256, computed in the browser (never uploaded) into the hex field; the field stays editable. */
function documentFields(): Field[] {
  const file = field('document', t('certDocument'), input('file'));
  const hex = field('documentSha256', t('certDocumentSha256'), input('text', { autocomplete: 'off', spellcheck: 'false', maxlength: '64' }), {
    required: true,
  });
  file.control.addEventListener('change', () => {
    const chosen = (file.control as HTMLInputElement).files?.[0];
    if (!chosen) return;
    if (!globalThis.crypto?.subtle) {
      (hex.control as HTMLInputElement).placeholder = t('certNoHash');
      return;
    }
    void chosen
      .arrayBuffer()
      .then((bytes) => crypto.subtle.digest('SHA-256', bytes))
      .then((digest) => {
        hex.control.value = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
        hex.control.dispatchEvent(new Event('input'));
      });
  });
  return [file, hex];
}

/** A required field left blank, said beside it (the API would only say the variable was null). */
function requireValues(fields: Field[], names: string[]): void {
  for (const name of names) {
    const f = fields.find((x) => x.name === name);
    if (f && f.control.value.trim() === '') throw new ApiError(`${name}: ${t('required')}`, 'INVALID_INPUT');
  }
}

/** A `date` input's day as the instant the API takes (midnight UTC); blank stays blank. */
const dayStart = (value: string) => (value ? new Date(`${value}T00:00:00Z`).toISOString() : null);

/** attachCertificate for a known subject (`subject`), or with the product or batch ID typed (the certificates screen). */
function attachForm(subject: Subject | null, reload: () => void): HTMLElement {
  const fields: Field[] = [
    ...(subject
      ? []
      : [
          field('productId', t('productId'), input('text', { autocomplete: 'off', spellcheck: 'false' })),
          field('batchId', t('batchId'), input('text', { autocomplete: 'off', spellcheck: 'false' })),
        ]),
    field('kind', t('certKind'), select(KINDS.map((k): [string, string] => [k, t(k)])), { required: true }),
    field('number', t('certNumber'), input('text', { autocomplete: 'off' }), { required: true }),
    field('issuer', t('certIssuer'), input('text', { autocomplete: 'off' }), { required: true }),
    field('protectedName', t('certProtectedName'), input('text', { autocomplete: 'off' })),
    field('validFrom', t('certValidFrom'), input('date'), { required: true }),
    field('validUntil', t('certValidUntil'), input('date'), { required: true }),
    ...documentFields(),
  ];
  const value = (name: string) => fields.find((f) => f.name === name)!.control.value.trim();
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit' }, t('attachCertificate'));
  const form = h(
    'form',
    { novalidate: true, class: 'attach-certificate' },
    subject ? null : h('p', { class: 'help' }, t('attachToHelp')),
    isAttester() ? h('p', { class: 'help' }, t('attachAttestedHelp')) : null,
    ...fields.map((f) => f.wrapper),
    button,
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submitForm(button, fields, status, async () => {
      requireValues(fields, ['number', 'issuer', 'validFrom', 'validUntil', 'documentSha256']);
      const target = subject ?? { productId: value('productId') || null, batchId: value('batchId') || null };
      const { attachCertificate } = await gql<{ attachCertificate: { id: string; standing: string } }>(
        'mutation($input: AttachCertificateInput!) { attachCertificate(input: $input) { id standing } }',
        {
          input: {
            ...target,
            kind: value('kind'),
            number: value('number'),
            issuer: value('issuer'),
            protectedName: value('protectedName') || null,
            validFrom: dayStart(value('validFrom')),
            validUntil: dayStart(value('validUntil')),
            documentSha256: value('documentSha256'),
          },
        },
      );
      show(status, notice(t('certAttached', t(attachCertificate.standing as Word)), ' ', h('code', { class: 'certificate-id' }, attachCertificate.id)));
      if (subject) reload();
    });
  });
  return form;
}

/** attestCertificate: a regulator or certifier names the document it checked; `typed`: the certificate ID is typed (the certificates screen). */
function attestForm(certificateId: string | null, typed: boolean, reload: () => void): HTMLElement {
  const fields: Field[] = [
    ...(typed ? [field('certificateId', t('certId'), input('text', { autocomplete: 'off', spellcheck: 'false' }), { required: true })] : []),
    ...documentFields(),
  ];
  const value = (name: string) => fields.find((f) => f.name === name)!.control.value.trim();
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit' }, t('attestCertificate'));
  const form = h(
    'form',
    { novalidate: true, class: 'attest-certificate' },
    h('p', { class: 'help' }, t('attestHelp')),
    ...fields.map((f) => f.wrapper),
    button,
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submitForm(button, fields, status, async () => {
      requireValues(fields, ['certificateId', 'documentSha256']);
      const { attestCertificate } = await gql<{ attestCertificate: CertificateRow }>(
        `mutation($input: AttestCertificateInput!) { attestCertificate(input: $input) { ${CERTIFICATE_SELECTION} } }`,
        { input: { certificateId: certificateId ?? value('certificateId'), documentSha256: value('documentSha256') } },
      );
      show(status, notice(t('certAttested')), certificateList([attestCertificate], reload));
      if (!typed) reload();
    });
  });
  return form;
}

/**
 * A regulator's or certification body's certificates screen. The API lets it read no list of certificates
 * (nor a producer's batches): it attests one by the ID its recorder gives (shown in the recorder's list),
 * or attaches one, attested, to a product or batch by its ID.
 */
export function certificatesView(): HTMLElement {
  return screen(
    t('certificates'),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, t('attestCertificate')),
      attestForm(null, true, () => undefined),
    ),
    h(
      'section',
      { class: 'panel' },
      h('h2', {}, t('attachCertificate')),
      attachForm(null, () => undefined),
    ),
  );
}
