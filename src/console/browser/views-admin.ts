import { gql, setApiKey } from './api.js';
import { h, show } from './dom.js';
import { formatTime, nameOf, t } from './i18n.js';
import { ORGANIZATION_KINDS } from '../../organizations/organization-kind.js';
import { alertBox, errorText, field, input, notice, screen, select, withProgress } from './ui.js';
import { submitForm } from './forms.js';

export interface ApiKeyRow {
  id: string;
  label: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A secret shown once, with a button that copies it, and the warning that it is not shown again. */
export function secretBox(secret: string, ...more: (HTMLElement | null)[]): HTMLElement {
  const code = h('code', { class: 'secret', 'data-secret': secret }, secret);
  const copy = h('button', { type: 'button', class: 'secondary' }, t('copy'));
  copy.addEventListener('click', () => void navigator.clipboard?.writeText(secret));
  return h('div', { class: 'notice', role: 'status' }, h('p', {}, t('secretOnce')), h('p', {}, code), h('div', { class: 'actions' }, copy, ...more));
}

/**
 * The organization's API keys: list (revoked ones too), create one (its secret shown once), revoke one.
 * Rotating is both: create the new key, use it in this tab, revoke the old one.
 */
export function keysView(): HTMLElement {
  const list = h('ul', { class: 'keys' });
  const problems = h('div', { class: 'status' });
  const load = async () => {
    try {
      const { apiKeys } = await gql<{ apiKeys: ApiKeyRow[] }>('{ apiKeys { id label createdAt lastUsedAt revokedAt } }');
      show(list, ...apiKeys.map((key) => apiKeyItem(key, load)));
    } catch (err) {
      show(problems, alertBox(errorText(err)));
    }
  };
  const label = field('label', t('keyLabel'), input('text', { autocomplete: 'off', maxlength: '100' }), { required: true });
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit' }, t('createKey'));
  const form = h('form', { novalidate: true }, h('h2', {}, t('createKey')), label.wrapper, button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submitForm(button, [label], status, async () => {
      const { createApiKey } = await gql<{ createApiKey: { secret: string } }>(
        'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }',
        { input: { label: label.control.value.trim() } },
      );
      const use = h('button', { type: 'button' }, t('useHere'));
      use.addEventListener('click', () => {
        setApiKey(createApiKey.secret);
        use.replaceWith(h('span', {}, t('usingNew')));
      });
      show(status, secretBox(createApiKey.secret, use));
      label.control.value = '';
      await load();
    });
  });
  void load();
  return screen(t('keys'), problems, list, form);
}

interface OrgRow {
  id: string;
  name: string;
  kind: string;
  uscc: string | null;
}

/** The admin's organizations: the newest 20, and a new one (its first key shown once). */
export function organizationsView(): HTMLElement {
  const list = h('ul', { class: 'batch-list' });
  const problems = h('div', { class: 'status' });
  const load = async () => {
    try {
      const { organizations } = await gql<{ organizations: { edges: { node: OrgRow }[] } }>(
        '{ organizations(first: 20) { edges { node { id name kind uscc } } } }',
      );
      show(
        list,
        ...organizations.edges.map(({ node }) =>
          h(
            'li',
            { 'data-org': node.name },
            h('a', { href: `#/organizations/${node.id}` }, h('strong', {}, node.name)),
            h('span', { class: 'badge' }, nameOf(node.kind)),
            h('code', { class: 'muted' }, node.id),
          ),
        ),
      );
    } catch (err) {
      show(problems, alertBox(errorText(err)));
    }
  };
  const fields = [
    field('name', t('orgName'), input('text', { autocomplete: 'off' }), { required: true }),
    field('kind', t('kind'), select(ORGANIZATION_KINDS.map((k): [string, string] => [k, nameOf(k)])), { required: true }),
    field('uscc', t('uscc'), input('text', { autocomplete: 'off', maxlength: '18' })),
  ];
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit' }, t('createOrganization'));
  const form = h('form', { novalidate: true }, h('h2', {}, t('createOrganization')), ...fields.map((f) => f.wrapper), button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const [name, kind, uscc] = fields.map((f) => f.control.value.trim());
    void submitForm(button, fields, status, async () => {
      const { createOrganization } = await gql<{ createOrganization: { apiKey: string; organization: { name: string } } }>(
        'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { apiKey organization { id name } } }',
        { input: { name, kind, uscc: uscc || null } },
      );
      show(status, notice(t('orgCreated', createOrganization.organization.name)), secretBox(createOrganization.apiKey));
      await load();
    });
  });
  void load();
  return screen(t('organizations'), problems, list, form);
}

/**
 * One API key: its label, whether it is active, when it was made, last used and revoked, and "revoke" in
 * two steps without a dialog (the first click asks, the second revokes); `reload` redraws the list after.
 */
export function apiKeyItem(key: ApiKeyRow, reload: () => Promise<void>): HTMLElement {
  const revoke = h('button', { type: 'button', class: 'secondary' }, t('revoke'));
  const status = h('div', { class: 'status' });
  let armed = false;
  revoke.addEventListener('click', () => {
    if (!armed) {
      armed = true;
      revoke.textContent = t('confirmRevoke', key.label);
      return;
    }
    void withProgress(revoke, status, 'saving', async () => {
      await gql('mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }', { id: key.id });
      await reload();
    });
  });
  return h(
    'li',
    { 'data-key-label': key.label },
    h('strong', {}, key.label),
    h('span', { class: `badge ${key.revokedAt ? 'status-DESTROYED' : 'status-ACTIVE'}` }, key.revokedAt ? t('revoked') : t('active')),
    h(
      'span',
      { class: 'muted' },
      `${t('created')} ${formatTime(key.createdAt)}${key.lastUsedAt ? ` · ${t('lastUsed')} ${formatTime(key.lastUsedAt)}` : ''}` +
        (key.revokedAt ? ` · ${t('revoked')} ${formatTime(key.revokedAt)}` : ''),
    ),
    key.revokedAt ? null : revoke,
    status,
  );
}
