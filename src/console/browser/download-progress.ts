/** Pure helpers of a download with progress: the file's name, its expected size, and how far it has come. */

/** The file name a Content-Disposition header gives (`filename="…"` or RFC 6266 `filename*=UTF-8''…`), else `fallback`. */
export function fileNameOf(contentDisposition: string | null, fallback: string): string {
  if (!contentDisposition) return fallback;
  const extended = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(contentDisposition)?.[1];
  if (extended) {
    try {
      return safeName(decodeURIComponent(extended.trim()), fallback);
    } catch {
      // A malformed escape: fall through to the plain name.
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(contentDisposition);
  return safeName(plain?.[1] ?? plain?.[2] ?? '', fallback);
}

/** A name to save under: no folders, nothing hidden, never empty. */
function safeName(name: string, fallback: string): string {
  const base = name.split(/[/\\]/).pop()!.trim().replace(/^\.+/, '');
  return base === '' ? fallback : base;
}

/**
 * The body's size in bytes when the answer says it and the stream will deliver exactly that: a
 * compressed answer's Content-Length counts the compressed bytes, not the ones the reader gets.
 */
export function expectedBytes(contentLength: string | null, contentEncoding: string | null): number | null {
  if (contentEncoding && contentEncoding.trim().toLowerCase() !== 'identity') return null;
  if (!contentLength || !/^\d+$/.test(contentLength.trim())) return null;
  return Number(contentLength.trim());
}

/** Whole percent received, 0–100; null when the size is unknown. */
export function percentOf(received: number, total: number | null): number | null {
  if (total === null) return null;
  if (total === 0) return 100;
  return Math.min(100, Math.floor((received / total) * 100));
}

/** Bytes in words a person reads: 512 B, 1.5 kB, 2.3 MB (SI units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
