/** Hash routes (#/batch/<id>?registered=1): the page is never reloaded, so the key in sessionStorage and the state stay. Pure. */
export interface Route {
  parts: string[];
  query: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const [rest, search = ''] = path.split('?', 2);
  return { parts: rest.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}
