import { ssccProblem } from '../../packages/sscc.js';
import { ApiError, gql } from './api.js';
import { h, show } from './dom.js';
import { formatTime, t } from './i18n.js';
import { parseLines } from './units-input.js';
import { alertBox, errorText, type Field, field, input, notice, screen, select, setFieldError, withProgress } from './ui.js';

const PAGE = 20;

interface ListedPackage {
  sscc: string;
  childCount: number;
  parentSscc: string | null;
  status: 'PACKED' | 'IN_TRANSIT' | 'UNPACKED';
  custodian: { name: string };
  inTransitTo: { name: string } | null;
  packer: { name: string };
  entry: { seq: number; recordedAt: string };
}
interface Page {
  edges: { node: ListedPackage }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const PACKAGE_FIELDS = 'sscc childCount parentSscc status custodian { name } inTransitTo { name } packer { name } entry { seq recordedAt }';

/**
 * Which field an API refusal is about: its message starts with the input's name ("sscc: …", "childSsccs[1]: …",
 * "facilityId: …", "unitSerials[0]: …") or with what it names ("unit(s) … of GTIN …", "package <SSCC> …": in the
 * packing form a child package, elsewhere the package chosen). Null: shown above the form.
 */
function fieldOf(err: unknown, fields: Field[], packageField: string): Field | null {
  const message = errorText(err);
  const reason = err instanceof ApiError ? err.reason : undefined;
  const rules: [RegExp | string, string][] = [
    [/^childSsccs\b/, 'childSsccs'],
    [/^(unitSerials\b|unit\(s\) |no unit of GTIN|named more than once)/, 'unitSerials'],
    ['UNIT_NOT_FOUND', 'unitSerials'],
    [/^gtin\b/, 'gtin'],
    ['FOREIGN_GTIN', 'gtin'],
    [/^(sscc\b|SSCC )/, 'sscc'],
    [/^package \d{18} cannot be packed into itself/, 'sscc'],
    [/^package /, packageField],
    [/^facilityId\b/, 'facilityId'],
    [/^destinationOrganizationId\b/, 'destinationOrganizationId'],
  ];
  for (const [test, name] of rules) {
    const hit = typeof test === 'string' ? reason === test : test.test(message);
    const f = fields.find((x) => x.name === name);
    if (hit && f) return f;
  }
  return null;
}

/** Runs a package form's mutation: its errors beside the field they are about. */
async function run<T>(
  button: HTMLButtonElement,
  fields: Field[],
  status: HTMLElement,
  action: () => Promise<T>,
  packageField = 'sscc',
): Promise<T | undefined> {
  let failure: unknown = null;
  for (const f of fields) setFieldError(f, null);
  const result = await withProgress(button, status, 'saving', async () => {
    try {
      return await action();
    } catch (err) {
      failure = err;
      return undefined;
    }
  });
  if (failure !== null) {
    const target = fieldOf(failure, fields, packageField);
    if (target) {
      setFieldError(target, errorText(failure));
      target.control.focus();
    } else show(status, alertBox(errorText(failure)));
  }
  return result;
}

function statusBadge(p: ListedPackage): HTMLElement {
  const word = p.status === 'IN_TRANSIT' ? t('pkgInTransit', p.inTransitTo?.name ?? '') : p.parentSscc ? t('pkgInside', p.parentSscc) : t('pkgPacked');
  return h('span', { class: `badge package-${p.status}`, 'data-package-status': p.status }, word);
}

/**
 * Packages for holders: pack units and/or packages into a case or pallet (its SSCC minted from the
 * organization's GS1 company prefix, or typed and checked here with the API's own check digit rule), the
 * packages in its custody (Viewer.packages: ship one, unpack one), and those shipped to it
 * (Viewer.inboundPackages: receive one).
 */
export function packagesView(): HTMLElement {
  const body = h('div', {}, t('loading'));
  void (async () => {
    let facilities: [string, string][];
    let gtins: string[];
    try {
      const data = await gql<{
        viewer: {
          facilities: { edges: { node: { id: string; name: string; region: string | null } }[] };
          products: { edges: { node: { gtin: string | null } }[] };
        };
      }>('{ viewer { facilities(first: 100) { edges { node { id name region } } } products(first: 100) { edges { node { gtin } } } } }');
      facilities = data.viewer.facilities.edges.map(({ node }): [string, string] => [node.id, node.region ? `${node.name} · ${node.region}` : node.name]);
      gtins = data.viewer.products.edges.flatMap(({ node }) => (node.gtin ? [node.gtin] : []));
    } catch (err) {
      show(body, alertBox(errorText(err)));
      return;
    }
    if (facilities.length === 0) {
      show(body, notice(t('needFacility')));
      return;
    }
    const mine = h('ul', { class: 'package-list', 'aria-live': 'polite', 'data-list': 'packages' });
    const inbound = h('ul', { class: 'package-list', 'aria-live': 'polite', 'data-list': 'inbound' });
    const more = h('button', { type: 'button', class: 'secondary', hidden: true }, t('more'));
    const listProblems = h('div');
    const shipSscc = field('sscc', t('sscc'), select([]), { required: true });
    const unpackSscc = field('sscc', t('sscc'), select([]), { required: true });
    let after: string | null = null;
    let listed: ListedPackage[] = [];

    const refreshChoices = () => {
      // Only a package at its custodian and in no other may be shipped or unpacked (the API refuses the rest).
      const free = listed
        .filter((p) => p.status === 'PACKED' && !p.parentSscc)
        .map((p): [string, string] => [p.sscc, `${p.sscc} (${t('childCount', p.childCount)})`]);
      for (const f of [shipSscc, unpackSscc]) show(f.control, ...free.map(([v, label]) => h('option', { value: v }, label)));
    };
    const load = async (reset: boolean) => {
      if (reset) [after, listed] = [null, []];
      await withProgress(more, listProblems, 'loading', async () => {
        const { viewer } = await gql<{ viewer: { packages: Page; inboundPackages: Page } }>(
          `query($first: Int, $after: String) { viewer {
            packages(first: $first, after: $after) { edges { node { ${PACKAGE_FIELDS} } } pageInfo { hasNextPage endCursor } }
            inboundPackages(first: 100) { edges { node { ${PACKAGE_FIELDS} } } pageInfo { hasNextPage endCursor } } } }`,
          { first: PAGE, after },
        );
        listed.push(...viewer.packages.edges.map((e) => e.node));
        after = viewer.packages.pageInfo.endCursor;
        more.hidden = !viewer.packages.pageInfo.hasNextPage;
        show(mine, ...(listed.length ? listed.map(packageItem) : [h('li', { class: 'muted' }, t('noPackages'))]));
        const arriving = viewer.inboundPackages.edges.map((e) => e.node);
        show(
          inbound,
          ...(arriving.length ? arriving.map((p) => inboundItem(p, facilities, () => load(true))) : [h('li', { class: 'muted' }, t('noInboundPackages'))]),
        );
        refreshChoices();
      });
    };
    more.addEventListener('click', () => void load(false));

    show(
      body,
      packForm(facilities, gtins, () => load(true)),
      h('section', { class: 'panel' }, h('h2', {}, t('inboundPackages')), inbound),
      h('section', { class: 'panel' }, h('h2', {}, t('myPackages')), listProblems, mine, more),
      shipForm(shipSscc, facilities, () => load(true)),
      unpackForm(unpackSscc, facilities, () => load(true)),
    );
    await load(true);
  })();
  return screen(t('packages'), body);
}

function packageItem(p: ListedPackage): HTMLElement {
  return h(
    'li',
    { 'data-sscc': p.sscc },
    h('code', {}, p.sscc),
    ' ',
    statusBadge(p),
    h('span', { class: 'muted' }, ` ${t('childCount', p.childCount)} · ${t('packedBy', p.packer.name)} · #${p.entry.seq} ${formatTime(p.entry.recordedAt)}`),
  );
}

function inboundItem(p: ListedPackage, facilities: [string, string][], done: () => Promise<void>): HTMLElement {
  const facility = field('facilityId', t('arrivedAt'), select(facilities), { required: true });
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit' }, t('receivePackage'));
  const form = h('form', { novalidate: true, class: 'inline' }, facility.wrapper, button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run(button, [facility], status, async () => {
      await gql('mutation($input: ReceivePackageInput!) { receivePackage(input: $input) { seq } }', {
        input: { sscc: p.sscc, facilityId: facility.control.value },
      });
      await done();
    });
  });
  return h(
    'li',
    { 'data-sscc': p.sscc },
    h('code', {}, p.sscc),
    ' ',
    h('span', { class: 'muted' }, `${t('childCount', p.childCount)} · ${t('packedBy', p.packer.name)} · ${t('packageShippedBy', p.custodian.name)}`),
    form,
  );
}

function packForm(facilities: [string, string][], gtins: string[], done: () => Promise<void>): HTMLElement {
  const fields = [
    field('facilityId', t('facility'), select(facilities), { required: true }),
    field('gtin', 'GTIN', input('text', { list: 'own-gtins', inputmode: 'numeric', autocomplete: 'off' }), { help: t('packGtinHelp') }),
    field('unitSerials', t('unitSerials'), h('textarea', { rows: 4, spellcheck: 'false', autocomplete: 'off' }), { help: t('unitSerialsHelp') }),
    field('childSsccs', t('childSsccs'), h('textarea', { rows: 2, spellcheck: 'false', autocomplete: 'off', inputmode: 'numeric' }), {
      help: t('childSsccsHelp'),
    }),
    field('sscc', t('ssccOptional'), input('text', { inputmode: 'numeric', autocomplete: 'off', maxlength: '18' }), { help: t('ssccHelp') }),
  ];
  const [facility, gtin, serials, children, sscc] = fields;
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit' }, t('pack'));
  // The check digit as the API checks it, as soon as the SSCC is typed.
  // (Cleared while typing, so the form does not shift under a click that follows.)
  sscc.control.addEventListener('input', () => setFieldError(sscc, null));
  sscc.control.addEventListener('change', () => {
    const value = sscc.control.value.trim();
    if (value) setFieldError(sscc, ssccProblem(value));
  });
  let key = crypto.randomUUID();
  let keyFor = '';
  const form = h(
    'form',
    { novalidate: true, class: 'panel' },
    h('h2', {}, t('packUnits')),
    ...fields.map((f) => f.wrapper),
    h('datalist', { id: 'own-gtins' }, ...gtins.map((g) => h('option', { value: g }))),
    button,
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const unitSerials = parseLines(serials.control.value);
    const childSsccs = parseLines(children.control.value);
    const typed = sscc.control.value.trim();
    for (const f of fields) setFieldError(f, null);
    const local: [Field, string] | null =
      typed && ssccProblem(typed)
        ? [sscc, ssccProblem(typed)!]
        : childSsccs.map((c, i) => (ssccProblem(c) ? `childSsccs[${i}]: ${ssccProblem(c)}` : null)).find(Boolean)
          ? [children, childSsccs.map((c, i) => (ssccProblem(c) ? `childSsccs[${i}]: ${ssccProblem(c)}` : null)).find(Boolean)!]
          : unitSerials.length && !gtin.control.value.trim()
            ? [gtin, `GTIN: ${t('required')}`]
            : !unitSerials.length && !childSsccs.length
              ? [serials, t('packNothing')]
              : null;
    if (local) {
      setFieldError(local[0], local[1]);
      local[0].control.focus();
      return;
    }
    const request = {
      facilityId: facility.control.value,
      gtin: unitSerials.length ? gtin.control.value.trim() : null,
      unitSerials,
      childSsccs,
      sscc: typed || null,
    };
    if (JSON.stringify(request) !== keyFor) [key, keyFor] = [crypto.randomUUID(), JSON.stringify(request)];
    void run(
      button,
      fields,
      status,
      async () => {
        const { packUnits } = await gql<{ packUnits: { sscc: string; childCount: number; entry: { seq: number } } }>(
          'mutation($input: PackUnitsInput!) { packUnits(input: $input) { sscc childCount entry { seq } } }',
          {
            input: { ...request, unitSerials: unitSerials.length ? unitSerials : null, childSsccs: childSsccs.length ? childSsccs : null, idempotencyKey: key },
          },
        );
        keyFor = '';
        serials.control.value = '';
        children.control.value = '';
        sscc.control.value = '';
        await done();
        show(status, notice(t('packed', packUnits.sscc, packUnits.childCount, packUnits.entry.seq)));
      },
      'childSsccs',
    );
  });
  return form;
}

/** Ships a package to an organization named by its ID, as the lot SHIPPING form takes it. */
function shipForm(sscc: Field, facilities: [string, string][], done: () => Promise<void>): HTMLElement {
  const fields = [
    sscc,
    field('facilityId', t('shipFrom'), select(facilities), { required: true }),
    field('destinationOrganizationId', t('destination'), input('text', { autocomplete: 'off', spellcheck: 'false' }), { required: true }),
  ];
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit' }, t('shipPackage'));
  const form = h('form', { novalidate: true, class: 'panel' }, h('h2', {}, t('shipPackage')), ...fields.map((f) => f.wrapper), button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const [box, from, to] = fields.map((f) => f.control.value.trim());
    void run(button, fields, status, async () => {
      if (!box) throw new ApiError(`sscc: ${t('required')}`);
      const { shipPackage } = await gql<{ shipPackage: { seq: number } }>('mutation($input: ShipPackageInput!) { shipPackage(input: $input) { seq } }', {
        input: { sscc: box, facilityId: from, destinationOrganizationId: to },
      });
      await done();
      show(status, notice(t('shipped', box, shipPackage.seq)));
    });
  });
  return form;
}

function unpackForm(sscc: Field, facilities: [string, string][], done: () => Promise<void>): HTMLElement {
  const facility = field('facilityId', t('facility'), select(facilities), { required: true });
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit', class: 'secondary' }, t('unpack'));
  const form = h('form', { novalidate: true, class: 'panel' }, h('h2', {}, t('unpack')), sscc.wrapper, facility.wrapper, button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const box = sscc.control.value;
    void run(button, [sscc, facility], status, async () => {
      if (!box) throw new ApiError(`sscc: ${t('required')}`);
      const { unpack } = await gql<{ unpack: { seq: number } }>('mutation($s: String!, $f: ID!) { unpack(sscc: $s, facilityId: $f) { seq } }', {
        s: box,
        f: facility.control.value,
      });
      await done();
      show(status, notice(t('unpacked', box, unpack.seq)));
    });
  });
  return form;
}
