import { ApiError, clearApiKey, gql, setApiKey } from './api.js';
import { h } from './dom.js';
import { nameOf, t } from './i18n.js';
import { type Screen, screensFor } from './roles.js';
import { setViewer, type Viewer, VIEWER_QUERY, viewer } from './session.js';
import { field, facts, input, screen, withProgress } from './ui.js';

export const SCREEN_PATHS: Record<Screen, string> = {
  home: '#/',
  batches: '#/batches',
  registerBatch: '#/batches/new',
  transform: '#/transform',
  catalog: '#/catalog',
  receive: '#/receive',
  holderRecalls: '#/my-recalls',
  find: '#/find',
  recalls: '#/recalls',
  held: '#/held',
  excursions: '#/excursions',
  ledger: '#/ledger',
  keys: '#/keys',
  organizations: '#/organizations',
  certificates: '#/certificates',
  exports: '#/exports',
  webhooks: '#/webhooks',
  failedInspections: '#/failed-inspections',
  packages: '#/packages',
  unitLookup: '#/unit',
};

/** Sign-in: the key is checked by asking `viewer` with it, and kept for the tab only when the API accepts it. */
export function signInView(onSignedIn: () => void, problem?: string): HTMLElement {
  const key = field('apiKey', t('apiKey'), input('password', { autocomplete: 'off', spellcheck: 'false', autocapitalize: 'off' }), {
    required: true,
    help: t('apiKeyHelp'),
  });
  const status = h('div', { class: 'status' });
  if (problem) status.append(h('p', { class: 'alert', role: 'alert' }, problem));
  const button = h('button', { type: 'submit' }, t('signIn'));
  const form = h('form', { novalidate: true, class: 'signin' }, key.wrapper, button, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const secret = key.control.value.trim();
    void withProgress(button, status, 'signingIn', async () => {
      if (!secret) throw new ApiError(`${t('apiKey')}: ${t('required')}`);
      const { viewer: v } = await gql<{ viewer: Viewer }>(VIEWER_QUERY, {}, secret);
      setApiKey(secret);
      setViewer(v);
      onSignedIn();
    });
  });
  return screen(t('signIn'), form);
}

export function signOut(): void {
  clearApiKey();
  setViewer(null);
}

export function homeView(): HTMLElement {
  const org = viewer()?.organization ?? null;
  const screens = screensFor(org?.kind ?? null).filter((s) => s !== 'home');
  const tiles = h('ul', { class: 'tiles' }, ...screens.map((s) => h('li', {}, h('a', { href: SCREEN_PATHS[s] }, t(s)))));
  if (!org) return screen(t('home'), h('p', {}, t('adminKey')), tiles);
  return screen(
    org.name,
    facts([
      [t('kind'), h('span', { 'data-org-kind': org.kind }, nameOf(org.kind))],
      ...(org.uscc ? ([[t('uscc'), org.uscc]] as [string, string][]) : []),
      [
        t('gs1Prefix'),
        org.gs1CompanyPrefix
          ? h('code', { 'data-gs1-prefix': org.gs1CompanyPrefix }, org.gs1CompanyPrefix)
          : h('span', { 'data-gs1-prefix': '' }, t('noGs1Prefix')),
      ],
    ]),
    screens.length ? h('p', {}, t('youCan')) : null,
    tiles,
  );
}
