import { h, show } from './dom.js';
import { t } from './i18n.js';
import { withProgress } from './ui.js';

/** One page of a GraphQL connection, as the lists read them. */
export interface Page<N> {
  edges: { node: N }[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** A list read a page at a time: its parts to place on the screen, and `load` (true: from the first page again). */
export interface PagedList {
  list: HTMLElement;
  more: HTMLButtonElement;
  problems: HTMLElement;
  load: (reset: boolean) => Promise<void>;
}

/**
 * A list of a connection, 20 (or the page size asked for) at a time: the first page on `load(true)`, the
 * next on "Load more" (hidden when there is no more). An empty first page shows `empty`; the API's error
 * shows in `problems`, in words.
 */
export function pagedList<N>(options: {
  listClass: string;
  fetchPage: (after: string | null) => Promise<Page<N>>;
  item: (node: N) => HTMLElement;
  empty: () => HTMLElement;
}): PagedList {
  const list = h('ul', { class: options.listClass, 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, t('more'));
  const problems = h('div');
  let after: string | null = null;
  const load = async (reset: boolean) => {
    if (reset) {
      after = null;
      show(list, h('li', { class: 'muted' }, t('loading')));
    }
    await withProgress(more, problems, 'loading', async () => {
      const { edges, pageInfo } = await options.fetchPage(after);
      if (reset) show(list);
      for (const { node } of edges) list.append(options.item(node));
      if (reset && edges.length === 0) show(list, options.empty());
      after = pageInfo.endCursor;
      more.hidden = !pageInfo.hasNextPage;
    });
    if (problems.childElementCount) show(list);
  };
  more.addEventListener('click', () => void load(false));
  return { list, more, problems, load };
}
