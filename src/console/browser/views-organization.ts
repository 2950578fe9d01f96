import { gql } from './api.js';
import { h, show } from './dom.js';
import { nameOf, t } from './i18n.js';
import { alertBox, errorText, facts, field, input, notice, screen } from './ui.js';
import { submitForm } from './forms.js';
import { apiKeyItem, type ApiKeyRow, secretBox } from './views-admin.js';

interface OrgFacts {
  id: string;
  name: string;
  kind: string;
  uscc: string | null;
  gs1CompanyPrefix: string | null;
  apiKeys: ApiKeyRow[] | null;
}

const ORGANIZATION_QUERY = `query($id: ID!) { organization(id: $id) { id name kind uscc gs1CompanyPrefix
  apiKeys { id label createdAt lastUsedAt revokedAt } } }`;

/**
 * The admin opens an organization: its facts and its keys (`Organization.apiKeys`), a new key for it
 * (`createApiKey` with `organizationId`, the secret shown once) and revoking one (two clicks). Together:
 * rotation, also for an organization that lost its only key.
 */
export function organizationView(id: string): HTMLElement {
  const about = h('div', {}, t('loading'));
  const list = h('ul', { class: 'keys' });
  const problems = h('div', { class: 'status' });
  let heading: HTMLElement | null = null;
  const load = async () => {
    try {
      const { organization: org } = await gql<{ organization: OrgFacts }>(ORGANIZATION_QUERY, { id });
      if (heading) heading.textContent = org.name;
      show(
        about,
        facts([
          [t('orgName'), org.name],
          [t('kind'), nameOf(org.kind)],
          [t('uscc'), org.uscc ?? '—'],
          [t('gs1Prefix'), org.gs1CompanyPrefix ?? '—'],
          [t('orgId'), h('code', {}, org.id)],
        ]),
      );
      const keys = org.apiKeys ?? [];
      show(list, ...(keys.length ? keys.map((key) => apiKeyItem(key, load)) : [h('li', { class: 'muted' }, t('noKeys'))]));
    } catch (err) {
      show(about);
      show(problems, alertBox(errorText(err)));
    }
  };
  const label = field('label', t('keyLabel'), input('text', { autocomplete: 'off', maxlength: '100' }), { required: true });
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit' }, t('createKey'));
  const form = h('form', { novalidate: true, class: 'panel' }, h('h2', {}, t('newKeyFor')), label.wrapper, button, status);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void submitForm(button, [label], status, async () => {
      const { createApiKey } = await gql<{ createApiKey: { secret: string } }>(
        'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }',
        { input: { label: label.control.value.trim(), organizationId: id } },
      );
      show(status, secretBox(createApiKey.secret));
      label.control.value = '';
      await load();
    });
  });
  void load();
  const view = screen(
    t('organization'),
    h('p', {}, h('a', { href: '#/organizations' }, t('back'))),
    problems,
    h('h2', {}, t('orgFacts')),
    about,
    h('h2', {}, t('orgKeys')),
    notice(t('rotateHelp')),
    list,
    form,
  );
  heading = view.querySelector('h1');
  return view;
}
