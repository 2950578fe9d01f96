import { gql } from './api.js';
import { h, show } from './dom.js';
import { formatTime, t } from './i18n.js';
import { viewer } from './session.js';
import { alertBox, errorText, field, input, notice, screen, withProgress } from './ui.js';

interface FailedInspection {
  id: string;
  agency: string | null;
  standard: string | null;
  recordedAt: string;
  items: { name: string; value: number | null; limit: number | null; unit: string | null; passed: boolean }[];
  inspectedBy: { name: string };
  batch: { id: string; lotCode: string; status: string; product: { name: string } };
}

const FAILED_QUERY = `query($after: String) { inspections(first: 20, after: $after, filter: { verdict: FAIL }) {
  edges { node { id agency standard recordedAt items { name value limit unit passed } inspectedBy { name }
    batch { id lotCode status product { name } } } }
  pageInfo { hasNextPage endCursor } } }`;

/** Where the lot stands now: a failure holds it until a regulator releases it (or it is recalled). */
function standing(status: string): HTMLElement {
  const word = status === 'ON_HOLD' ? t('stillHeld') : status === 'RECALLED' ? t('recalledNow') : t('releasedNow');
  return h('span', { class: `badge status-${status}`, 'data-standing': status }, word);
}

/** An item as measured against its limit: "镉 (Cd): 实测 0.35 mg/kg · 限量 0.2". */
function itemLine(item: FailedInspection['items'][number]): string {
  const unit = item.unit ? ` ${item.unit}` : '';
  return (
    `${item.name}: ${t('measured')} ${item.value ?? '—'}${unit}` +
    (item.limit != null ? ` · ${t('limit')} ${item.limit}${unit}` : '') +
    ` · ${item.passed ? t('passed') : t('failed')}`
  );
}

/**
 * Failed inspections, newest first (`inspections(filter: { verdict: FAIL })`): the lot (a link to its story),
 * the items against their limits, who inspected and when, and whether the lot is still held. A regulator and
 * the admin see every one; a lab the ones it recorded (the API decides).
 */
export function failedInspectionsView(): HTMLElement {
  const list = h('ul', { class: 'batch-list failed-inspections', 'aria-busy': 'true' });
  const status = h('div', { class: 'status', 'aria-live': 'polite' });
  const loading = h('p', { class: 'muted' }, t('loading'));
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, t('more'));
  let after: string | null = null;
  const load = async () => {
    list.setAttribute('aria-busy', 'true');
    await withProgress(more, status, 'loading', async () => {
      const { inspections } = await gql<{
        inspections: { edges: { node: FailedInspection }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      }>(FAILED_QUERY, { after });
      if (after === null && inspections.edges.length === 0) show(status, notice(t('noFailedInspections')));
      list.append(
        ...inspections.edges.map(({ node }) =>
          h(
            'li',
            { 'data-lot': node.batch.lotCode, 'data-inspection': node.id },
            h('a', { href: `#/batch/${node.batch.id}` }, h('strong', {}, node.batch.lotCode), ' · ', node.batch.product.name),
            standing(node.batch.status),
            ...node.items.filter((i) => !i.passed).map((i) => h('span', { class: 'failed-item' }, itemLine(i))),
            h(
              'span',
              { class: 'muted' },
              `${t('inspectedBy')}: ${node.inspectedBy.name}` +
                (node.agency && node.agency !== node.inspectedBy.name ? ` (${node.agency})` : '') +
                (node.standard ? ` · ${node.standard}` : '') +
                ` · ${t('inspectedAt')}: ${formatTime(node.recordedAt)}`,
            ),
          ),
        ),
      );
      after = inspections.pageInfo.endCursor;
      more.hidden = !inspections.pageInfo.hasNextPage;
    });
    list.removeAttribute('aria-busy');
    loading.remove();
  };
  more.addEventListener('click', () => void load());
  void load();
  const lab = viewer()?.organization?.kind === 'LAB';
  return screen(t('failedInspections'), lab ? h('p', { class: 'muted' }, t('ownInspectionsOnly')) : null, loading, list, more, status);
}

/** The browser's own QR reader (Chrome and Edge on Android, macOS, Windows; not Firefox or Safari): only what the console uses of it. */
interface QrDetector {
  detect(source: HTMLVideoElement | ImageBitmap): Promise<{ rawValue: string }[]>;
}
interface QrDetectorClass {
  new (options: { formats: string[] }): QrDetector;
  getSupportedFormats(): Promise<string[]>;
}

/** The browser's BarcodeDetector when it reads QR codes, else null. */
async function qrDetector(): Promise<QrDetector | null> {
  const Detector = (window as unknown as { BarcodeDetector?: QrDetectorClass }).BarcodeDetector;
  if (!Detector) return null;
  try {
    if (!(await Detector.getSupportedFormats()).includes('qr_code')) return null;
    return new Detector({ formats: ['qr_code'] });
  } catch {
    return null;
  }
}

/** How often a camera frame is read: often enough to feel immediate, seldom enough to spare a phone's battery. */
const FRAME_INTERVAL_MS = 250;

/**
 * Scanning a lot's QR label where the browser can: "Scan QR" opens the rear camera in a <video> and reads its
 * frames with the browser's BarcodeDetector; a photo of the label is read the same way. A code read is handed to
 * `onCode`, which looks it up as if it were typed. Where the browser has no detector, the buttons are not shown and
 * a note says why; a refused or absent camera is said in words.
 */
export function scanPanel(onCode: (text: string) => void): HTMLElement {
  const panel = h('div', { class: 'scan', 'aria-live': 'polite' });
  void (async () => {
    const detector = await qrDetector();
    if (!detector) {
      show(panel, h('p', { class: 'muted scan-unsupported' }, t('noBarcodeDetector')));
      return;
    }
    const status = h('div', { class: 'status' });
    const found = (text: string) => {
      show(status, notice(t('scanned', text)));
      onCode(text);
    };
    const camera = typeof navigator.mediaDevices?.getUserMedia === 'function' ? cameraScanner(detector, status, found) : null;
    show(panel, camera ?? h('p', { class: 'muted' }, t('noCameraApi')), photoReader(detector, status, found), status);
  })();
  return panel;
}

function cameraScanner(detector: QrDetector, status: HTMLElement, found: (text: string) => void): HTMLElement {
  const start = h('button', { type: 'button', class: 'secondary scan-start' }, t('scanQr'));
  const stop = h('button', { type: 'button', class: 'secondary scan-stop', hidden: true }, t('stopScan'));
  const video = h('video', { class: 'scan-video', muted: true, playsinline: true, 'aria-label': t('cameraView'), hidden: true });
  video.muted = true;
  let stream: MediaStream | null = null;
  let timer: number | undefined;
  const end = () => {
    window.clearTimeout(timer);
    stream?.getTracks().forEach((track) => track.stop());
    stream = null;
    video.srcObject = null;
    video.hidden = true;
    stop.hidden = true;
    start.hidden = false;
    start.removeAttribute('aria-busy');
  };
  const readFrame = async () => {
    if (!stream) return;
    let codes: { rawValue: string }[] = [];
    // A frame not yet decoded, or one the detector cannot read, is just not a code: read the next one.
    if (video.readyState >= 2) codes = await detector.detect(video).catch(() => []);
    const text = codes.find((c) => c.rawValue.trim())?.rawValue.trim();
    if (text) {
      end();
      found(text);
    } else if (stream) timer = window.setTimeout(() => void readFrame(), FRAME_INTERVAL_MS);
  };
  start.addEventListener('click', () => {
    void (async () => {
      show(status);
      start.setAttribute('aria-busy', 'true');
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: { ideal: 'environment' } }, audio: false });
      } catch (err) {
        end();
        const name = err instanceof DOMException ? err.name : '';
        const words =
          name === 'NotAllowedError' || name === 'SecurityError'
            ? t('cameraRefused')
            : name === 'NotFoundError' || name === 'OverconstrainedError'
              ? t('noCamera')
              : t('cameraFailed', errorText(err));
        show(status, alertBox(words));
        return;
      }
      // The user left the screen while the browser asked for the camera: turn it off again at once.
      if (!video.isConnected) {
        end();
        return;
      }
      video.srcObject = stream;
      video.hidden = false;
      start.hidden = true;
      stop.hidden = false;
      show(status, notice(t('scanning')));
      await video.play().catch(() => undefined);
      void readFrame();
    })();
  });
  stop.addEventListener('click', () => {
    end();
    show(status);
  });
  // Leaving the screen turns the camera off.
  window.addEventListener('hashchange', end, { once: true });
  return h('div', { class: 'scan-camera' }, h('div', { class: 'actions' }, start, stop), video);
}

function photoReader(detector: QrDetector, status: HTMLElement, found: (text: string) => void): HTMLElement {
  const photo = field('labelPhoto', t('labelPhoto'), input('file', { accept: 'image/*', capture: 'environment' }));
  const control = photo.control as HTMLInputElement;
  control.addEventListener('change', () => {
    const file = control.files?.[0];
    if (!file) return;
    void (async () => {
      control.setAttribute('aria-busy', 'true');
      show(status, notice(t('readingPhoto')));
      try {
        const image = await createImageBitmap(file);
        const codes = await detector.detect(image);
        image.close();
        const text = codes.find((c) => c.rawValue.trim())?.rawValue.trim();
        if (text) found(text);
        else show(status, alertBox(t('noCodeInPhoto')));
      } catch (err) {
        show(status, alertBox(`${t('noCodeInPhoto')} (${errorText(err)})`));
      } finally {
        control.removeAttribute('aria-busy');
        control.value = '';
      }
    })();
  });
  return photo.wrapper;
}
