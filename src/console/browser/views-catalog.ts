import { gql } from './api.js';
import { h, show } from './dom.js';
import { submitForm } from './forms.js';
import { nameOf, t } from './i18n.js';
import { PRODUCT_CATEGORIES, STORAGE_CONDITIONS } from '../../products/product-kinds.js';
import { MAKERS } from '../../auth/caller.js';
import { viewer } from './session.js';
import { CERTIFICATE_FIELDS, type CertificateRow, certificatesSection } from './views-certificates.js';
import { alertBox, errorText, field, type Field, input, notice, screen, select } from './ui.js';

interface Catalog {
  facilities: { edges: { node: { id: string; name: string; region: string | null; gln: string | null } }[] };
  products: {
    edges: {
      node: {
        id: string;
        name: string;
        gtin: string | null;
        category: string;
        storage: string;
        minTempC: number | null;
        maxTempC: number | null;
        certificates: CertificateRow[];
      };
    }[];
  };
}

/** The organization's facilities and products, and a form for each (products: organizations that make goods). */
export function catalogView(): HTMLElement {
  const lists = h('div', {}, t('loading'));
  const kind = viewer()?.organization?.kind;
  const maker = kind !== undefined && MAKERS.includes(kind);
  const load = async () => {
    try {
      const { viewer: v } = await gql<{ viewer: Catalog }>(
        `{ viewer { facilities(first: 100) { edges { node { id name region gln } } }
          products(first: 100) { edges { node { id name gtin category storage minTempC maxTempC ${CERTIFICATE_FIELDS} } } } } }`,
      );
      show(
        lists,
        h('h2', {}, t('facilities')),
        h(
          'ul',
          { class: 'batch-list' },
          ...v.facilities.edges.map(({ node }) =>
            h('li', { 'data-facility': node.name }, h('strong', {}, node.name), node.region ?? '', node.gln ? h('code', {}, `GLN ${node.gln}`) : null),
          ),
        ),
        h('h2', {}, t('products')),
        h(
          'ul',
          { class: 'batch-list' },
          ...v.products.edges.map(({ node }) =>
            h(
              'li',
              { 'data-product': node.name },
              h('strong', {}, node.name),
              h('span', { class: 'badge' }, nameOf(node.category)),
              `${nameOf(node.storage)}${node.minTempC != null || node.maxTempC != null ? ` ${node.minTempC ?? '…'}–${node.maxTempC ?? '…'} °C` : ''}`,
              node.gtin ? h('code', {}, `GTIN ${node.gtin}`) : null,
              // Its certificates, attached here by its owner (the catalog lists only the organization's own products).
              certificatesSection({ productId: node.id }, node.certificates, maker, () => void load()),
            ),
          ),
        ),
      );
    } catch (err) {
      show(lists, alertBox(errorText(err)));
    }
  };
  const form = (title: string, fields: Field[], send: (value: (name: string) => string) => Promise<string>) => {
    const status = h('div', { class: 'status' });
    const button = h('button', { type: 'submit' }, title);
    const element = h('form', { novalidate: true, class: 'panel' }, h('h2', {}, title), ...fields.map((f) => f.wrapper), button, status);
    element.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = (name: string) => fields.find((f) => f.name === name)!.control.value.trim();
      void submitForm(button, fields, status, async () => {
        const name = await send(value);
        show(status, notice(t('registeredNamed', name)));
        for (const f of fields) if (f.control instanceof HTMLInputElement) f.control.value = '';
        await load();
      });
    });
    return element;
  };
  const optional = (v: string) => (v === '' ? null : v);
  const facilityForm = form(
    t('registerFacility'),
    [
      field('name', t('orgName'), input('text', { autocomplete: 'off' }), { required: true }),
      field('region', t('region'), input('text', { autocomplete: 'off', placeholder: '天津市津南区' })),
      field('gln', 'GLN', input('text', { autocomplete: 'off', inputmode: 'numeric', maxlength: '13' })),
    ],
    async (value) => {
      const { registerFacility } = await gql<{ registerFacility: { name: string } }>(
        'mutation($input: RegisterFacilityInput!) { registerFacility(input: $input) { id name } }',
        {
          input: { name: value('name'), region: optional(value('region')), gln: optional(value('gln')) },
        },
      );
      return registerFacility.name;
    },
  );
  const productForm = maker
    ? form(
        t('registerProduct'),
        [
          field('name', t('orgName'), input('text', { autocomplete: 'off' }), { required: true }),
          field('category', t('category'), select(PRODUCT_CATEGORIES.map((c): [string, string] => [c, nameOf(c)])), { required: true }),
          field('storage', t('storage'), select(STORAGE_CONDITIONS.map((c): [string, string] => [c, nameOf(c)])), { required: true }),
          field('gtin', 'GTIN', input('text', { autocomplete: 'off', inputmode: 'numeric', maxlength: '14' })),
          field('geographicIndication', t('gi'), input('text', { autocomplete: 'off' })),
        ],
        async (value) => {
          const { registerProduct } = await gql<{ registerProduct: { name: string } }>(
            'mutation($input: RegisterProductInput!) { registerProduct(input: $input) { id name } }',
            {
              input: {
                name: value('name'),
                category: value('category'),
                storage: value('storage'),
                gtin: optional(value('gtin')),
                geographicIndication: optional(value('geographicIndication')),
              },
            },
          );
          return registerProduct.name;
        },
      )
    : null;
  void load();
  return screen(t('catalog'), lists, facilityForm, productForm);
}
