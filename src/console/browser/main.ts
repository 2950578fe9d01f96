import { apiKey, gql } from './api.js';
import { h, show } from './dom.js';
import { lang, setLang, t } from './i18n.js';
import { type Screen, screensFor } from './roles.js';
import { parseRoute } from './router.js';
import { setViewer, type Viewer, VIEWER_QUERY, viewer } from './session.js';
import { alertBox, errorText, screen } from './ui.js';
import { batchesView, batchView, eventView, registerBatchView } from './views-batches.js';
import { homeView, SCREEN_PATHS, signInView, signOut } from './views-common.js';
import { findView, recallsView, traceView } from './views-regulator.js';
import { transformView } from './views-transform.js';
import { keysView, organizationsView } from './views-admin.js';
import { organizationView } from './views-organization.js';
import { catalogView } from './views-catalog.js';
import { excursionsView, heldView, ledgerView } from './views-oversight.js';
import { certificatesView } from './views-certificates.js';
import { exportsView, webhooksView } from './views-records.js';
import { holderRecallsView, inboundView, receiveFormView } from './views-inbound.js';
import { failedInspectionsView } from './views-labs.js';
import { packagesView } from './views-packages.js';
import { unitLookupView } from './views-units.js';

/** The console's start: the header (navigation by role, language, sign-out) and the screen the hash names. */
const top = document.getElementById('top')!;
const main = document.getElementById('main')!;

function go(path: string): void {
  if (location.hash === path) render();
  else location.hash = path;
}

function header(): void {
  const org = viewer()?.organization ?? null;
  const signedIn = viewer() !== null;
  const switchLang = h(
    'button',
    { type: 'button', class: 'link', lang: lang() === 'zh' ? 'en' : 'zh', 'aria-label': `${t('language')}: ${t('switchLanguage')}` },
    t('switchLanguage'),
  );
  switchLang.addEventListener('click', () => {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    header();
    render();
  });
  const out = h('button', { type: 'button', class: 'link' }, t('signOut'));
  out.addEventListener('click', () => {
    signOut();
    go('#/');
    header();
  });
  const current = parseRoute(location.hash).parts[0] ?? '';
  const nav = signedIn
    ? h(
        'nav',
        { 'aria-label': t('menu') },
        h(
          'ul',
          {},
          ...screensFor(org?.kind ?? null).map((s) => {
            const href = SCREEN_PATHS[s];
            const here = (parseRoute(href).parts[0] ?? '') === current && (s !== 'batches' || parseRoute(location.hash).parts[1] !== 'new');
            return h('li', {}, h('a', { href, 'aria-current': here && s !== 'registerBatch' ? 'page' : undefined }, t(s)));
          }),
        ),
      )
    : null;
  show(
    top,
    h(
      'div',
      { class: 'bar' },
      h('a', { class: 'brand', href: '#/' }, t('appName')),
      org ? h('span', { class: 'who' }, org.name) : null,
      switchLang,
      signedIn ? out : null,
    ),
    nav,
  );
  // The sideways-scrolling menu of a phone shows the current screen's entry.
  top.querySelector('nav [aria-current="page"]')?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
}

/** The screen for the hash; one the organization's kind may not use says so (the API would refuse it anyway). */
function screenFor(): HTMLElement {
  const { parts, query } = parseRoute(location.hash);
  const allowed = new Set<Screen>(screensFor(viewer()?.organization?.kind ?? null));
  const need = (s: Screen, view: () => HTMLElement) => (allowed.has(s) ? view() : screen(t(s), alertBox(t('notAllowed'))));
  const [first, second, third] = parts;
  if (!first) return homeView();
  if (first === 'batches' && second === 'new') return need('registerBatch', () => registerBatchView(go));
  if (first === 'batches' && !second) return need('batches', batchesView);
  if (first === 'batch' && second && third === 'event') return need('batches', () => eventView(second, go));
  if (first === 'batch' && second && !third) return batchView(second, query);
  if (first === 'transform') return need('transform', transformView);
  if (first === 'catalog') return need('catalog', catalogView);
  if (first === 'receive') return need('receive', () => (second ? receiveFormView(second) : inboundView()));
  if (first === 'my-recalls') return need('holderRecalls', holderRecallsView);
  if (first === 'find') return need('find', () => findView(go));
  if (first === 'trace' && second) return traceView(second, third ?? 'DOWNSTREAM');
  if (first === 'recalls') return need('recalls', recallsView);
  if (first === 'held') return need('held', heldView);
  if (first === 'excursions') return need('excursions', excursionsView);
  if (first === 'ledger') return need('ledger', ledgerView);
  if (first === 'keys') return need('keys', keysView);
  if (first === 'organizations' && second) return need('organizations', () => organizationView(second));
  if (first === 'organizations') return need('organizations', organizationsView);
  if (first === 'certificates') return need('certificates', certificatesView);
  if (first === 'exports') return need('exports', () => exportsView(query));
  if (first === 'webhooks') return need('webhooks', webhooksView);
  if (first === 'failed-inspections') return need('failedInspections', failedInspectionsView);
  if (first === 'packages') return need('packages', packagesView);
  if (first === 'unit') return need('unitLookup', unitLookupView);
  return screen(t('unknownPage'), h('p', {}, h('a', { href: '#/' }, t('home'))));
}

function render(): void {
  document.title = t('appName');
  if (!viewer()) {
    show(
      main,
      signInView(() => {
        header();
        go('#/');
      }),
    );
  } else show(main, screenFor());
  const heading = main.querySelector('h1');
  // Focus moves to the new screen's heading, except on the first load (where it would scroll past the header).
  if (heading && document.activeElement !== document.body) heading.focus();
}

async function start(): Promise<void> {
  setLang(lang());
  const key = apiKey();
  let problem: string | undefined;
  if (key) {
    try {
      setViewer((await gql<{ viewer: Viewer }>(VIEWER_QUERY)).viewer);
    } catch (err) {
      problem = errorText(err);
      signOut();
    }
  }
  header();
  if (problem)
    show(
      main,
      signInView(() => (header(), go('#/')), problem),
    );
  else render();
  window.addEventListener('hashchange', () => {
    header();
    render();
  });
}

// Whatever fails unexpectedly is said in words on the screen, never a blank page or a console-only stack.
window.addEventListener('unhandledrejection', (event) => main.prepend(alertBox(errorText(event.reason))));

void start();
