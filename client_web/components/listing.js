// Lists behind filters (job search, the policy catalogue, a recruiter's inbox): one
// filter form whose values live in the URL's query string (a reload or a shared link
// shows the same results), the results as a list with a count that screen readers
// hear, pages of results, and matches of the keyword highlighted.
//
//   class JobsPage extends ListPage {
//     filters() { return [{ name: 'q', kind: 'search', label: t('…') }, …]; }
//     async fetch(values, page, signal) { return api(`/api/jobs?${…}`, { signal }); }
//     item(result, values) { return h('li', …); }
//   }
//
// fetch() returns { items, total } (the API's list shape, docs/jobs.md); PAGE_SIZE
// items a page.
// Searching again keeps focus on the results' heading so a keyboard user lands on
// what changed, and the count is announced (the status area).
// A filter the API refuses (422 naming `/query/<name>`, e.g. a keyword of symbols
// only) is marked on its control with the reason, and no results are shown for that
// search — neither the previous ones nor, for a link, a full-page error: the form
// stays, with the bad value in it, to be corrected.

import { ApiError, describeField, errorMessage } from '../api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { announce } from '../notices.js';
import { dataLang } from './job-text.js';
import { LivePage } from './live-page.js';

export const PAGE_SIZE = 20;

// The API's longest keyword (server/api/jobs.py Keyword: jobs, policies, searchAll).
const KEYWORD_MAX = 50;

/** The keyword's refusal in words that say what to type instead. */
function keywordProblem(error) {
  if (error.code === 'too_long') return t('jobs.search.keyword_too_long', { max: KEYWORD_MAX });
  if (error.code === 'search.query_empty') return t('jobs.search.keyword_empty');
  return null;
}

/** The keyword filter (`q`) every list with a keyword shares: its limit and reasons. */
export function keywordFilter(hint = undefined) {
  return {
    name: 'q',
    kind: 'search',
    label: t('jobs.search.keyword'),
    hint,
    maxlength: KEYWORD_MAX,
    explain: keywordProblem,
  };
}

/** The filter values named in `filters` read from a URLSearchParams. */
export function readFilters(query, filters) {
  const values = {};
  for (const filter of filters) values[filter.name] = query.get(filter.name) ?? '';
  return values;
}

/** A query string of the non-empty values (and the page when past the first). */
export function queryString(values, page = 1, extra = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...values, ...extra })) {
    if (value !== '' && value !== null && value !== undefined) params.set(name, String(value));
  }
  if (page > 1) params.set('page', String(page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The API's query for `values` on page `page` (1-based), PAGE_SIZE a page. */
export function apiQuery(values, page, extra = {}) {
  return queryString(values, page, { ...extra, per_page: PAGE_SIZE });
}

/** The API's field errors about the filters in `values` (name -> field), or null. */
export function filterErrors(error, values) {
  if (!(error instanceof ApiError) || error.status !== 422) return null;
  const named = new Map();
  for (const field of error.fields) {
    const name = field.pointer.startsWith('/query/') ? field.pointer.slice(7) : null;
    const known = name !== null && Object.prototype.hasOwnProperty.call(values, name);
    if (known && !named.has(name)) named.set(name, field);
  }
  return named.size > 0 ? named : null;
}

/**
 * `text` with the API's match ranges ([[start, end), …] in Unicode code points, as
 * docs/jobs.md "Highlights" gives them) wrapped in <mark>.
 */
export function highlighted(text, ranges = null) {
  const chars = Array.from(String(text ?? ''));
  if (!ranges || ranges.length === 0) return [chars.join('')];
  const nodes = [];
  let at = 0;
  for (const [start, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (end <= at) continue;
    const from = Math.max(start, at);
    if (from > at) nodes.push(chars.slice(at, from).join(''));
    nodes.push(h('mark', {}, chars.slice(from, end).join('')));
    at = end;
  }
  if (at < chars.length) nodes.push(chars.slice(at).join(''));
  return nodes;
}

/** The highlighted title and snippet of a result (`highlight` of docs/jobs.md). */
export function matchNodes(item) {
  const highlight = item.highlight ?? null;
  return {
    title: highlighted(item.title, highlight?.title),
    snippet: highlight?.snippet
      ? h(
          'p',
          { class: 'card-intro snippet', lang: dataLang(highlight.snippet.text) },
          highlighted(highlight.snippet.text, highlight.snippet.ranges),
        )
      : null,
  };
}

/**
 * A page of filters and results. Subclasses give filters(), fetch() and item();
 * optionally intro(model), empty(values) and before(model) (nodes above the filters).
 */
export class ListPage extends LivePage {
  /**
   * [{ name, kind: 'search' | 'select', label, hint?, maxlength?, options?: [{ value, label }],
   *    explain?: (fieldError) => text or null }]
   */
  filters() {
    return [];
  }

  /** Fetch one page of results: { items, total }. */
  async fetch(_values, _page, _signal) {
    return { items: [], total: 0 };
  }

  /** One result as an <li>. */
  item(_result, _values) {
    return null;
  }

  /** Text when nothing matches. */
  empty(_values) {
    return t('jobs.list.none');
  }

  /** Nodes above the filter form (an intro, an action). */
  before(_model) {
    return [];
  }

  /** The id prefix of the form and results (unique per page). */
  get listId() {
    return 'list';
  }

  /** Extra state for load() (the signed-in account, the fair); merged into the model. */
  async prepare(_signal) {
    return {};
  }

  async load(signal) {
    const extra = await this.prepare(signal);
    const values = readFilters(this.query, this.filters(extra));
    const page = Math.max(1, Number.parseInt(this.query.get('page') ?? '1', 10) || 1);
    const model = { ...extra, values, draft: { ...values }, page, failure: null, invalid: null };
    if (!this.canList(model)) return model;
    try {
      model.results = await this.fetch(values, page, signal);
    } catch (error) {
      // A link with a bad filter (/search?q=!!!) shows the form to correct it.
      model.invalid = filterErrors(error, values);
      if (!model.invalid) throw error;
      model.results = null;
    }
    return model;
  }

  /** Whether results can be fetched (false: e.g. not signed in). */
  canList(_model) {
    return true;
  }

  async search(page) {
    const model = this.model;
    if (model.busy) return;
    model.busy = true;
    const values = { ...model.draft };
    const shown = () => {
      model.values = values;
      model.page = page;
      // The URL follows what is shown (not the request), so a reload shows it again.
      const url = window.location.pathname + queryString(values, page);
      window.history.replaceState(null, '', url);
      this.query = new URLSearchParams(window.location.search);
    };
    try {
      model.results = await this.fetch(values, page);
      model.failure = null;
      model.invalid = null;
      shown();
    } catch (error) {
      model.invalid = filterErrors(error, values);
      if (model.invalid) {
        // The old results do not answer this search: drop them.
        model.results = null;
        model.failure = null;
        shown();
      } else {
        model.failure = () => errorMessage(error);
      }
    } finally {
      model.busy = false;
    }
    if (model.invalid) {
      const first = this.filters(model).find((filter) => model.invalid.has(filter.name));
      this.repaint({ focus: `#${this.listId}-${first.name}` });
      return;
    }
    this.repaint({ focus: `#${this.listId}-results-title` });
    if (!model.failure) announce(t('jobs.list.results', { count: model.results.total }));
  }

  filterForm(model) {
    const id = this.listId;
    const controls = this.filters(model).map((filter) => {
      const controlId = `${id}-${filter.name}`;
      const hintId = filter.hint ? `${controlId}-hint` : null;
      const error = model.invalid?.get(filter.name) ?? null;
      const errorId = error ? `${controlId}-error` : null;
      const describedBy = [errorId, hintId].filter(Boolean).join(' ') || null;
      let control;
      if (filter.kind === 'select') {
        control = h(
          'select',
          { id: controlId, name: filter.name, 'aria-describedby': describedBy },
          h('option', { value: '' }, filter.any ?? t('jobs.list.any')),
          filter.options.map((option) => h('option', { value: option.value }, option.label)),
        );
      } else {
        control = h('input', {
          id: controlId,
          name: filter.name,
          type: 'search',
          autocomplete: 'off',
          maxlength: filter.maxlength ?? null,
          'aria-describedby': describedBy,
        });
      }
      if (error) control.setAttribute('aria-invalid', 'true');
      control.value = model.draft[filter.name] ?? '';
      const update = () => {
        model.draft[filter.name] = control.value;
      };
      control.addEventListener('input', update);
      control.addEventListener('change', update);
      const classes = [
        'field',
        filter.kind === 'search' ? 'field-wide' : null,
        error ? 'field-invalid' : null,
      ];
      return h(
        'div',
        { class: classes.filter(Boolean).join(' ') },
        h('label', { for: controlId }, filter.label),
        hintId ? h('div', { id: hintId, class: 'hint' }, filter.hint) : null,
        error
          ? h(
              'p',
              { id: errorId, class: 'field-error' },
              filter.explain?.(error) || describeField(error.code),
            )
          : null,
        control,
      );
    });
    return h(
      'form',
      {
        id: `${id}-filters`,
        class: 'form filters',
        role: 'search',
        novalidate: true,
        onsubmit: (event) => {
          event.preventDefault();
          this.search(1);
        },
      },
      h('div', { class: 'filter-fields' }, controls),
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'submit', class: 'button', id: `${id}-search` }, t('jobs.list.search')),
        h(
          'button',
          {
            type: 'button',
            class: 'button button-secondary',
            id: `${id}-clear`,
            onclick: () => {
              for (const key of Object.keys(model.draft)) model.draft[key] = '';
              this.search(1);
            },
          },
          t('jobs.list.clear'),
        ),
      ),
    );
  }

  results(model) {
    const id = this.listId;
    if (model.invalid) {
      // Nothing was searched: say so instead of showing a count or results.
      return h(
        'div',
        { class: 'notice notice-error', id: `${id}-invalid` },
        h('p', { 'data-error-code': 'request.invalid' }, t('jobs.list.invalid')),
      );
    }
    const results = model.results ?? { items: [], total: 0 };
    const pages = Math.max(1, Math.ceil(results.total / PAGE_SIZE));
    return h(
      'section',
      { 'aria-labelledby': `${id}-results-title` },
      h(
        'h2',
        { id: `${id}-results-title`, tabindex: '-1' },
        t('jobs.list.results', { count: results.total }),
      ),
      model.failure
        ? h('div', { class: 'notice notice-error', role: 'alert' }, h('p', {}, model.failure()))
        : null,
      results.items.length === 0
        ? h('p', { id: `${id}-empty` }, this.empty(model.values))
        : h(
            'ul',
            { class: 'cards cards-single results', id: `${id}-results` },
            results.items.map((result) => this.item(result, model.values)),
          ),
      pages > 1
        ? h(
            'nav',
            { class: 'pager', 'aria-label': t('jobs.list.pages') },
            h(
              'button',
              {
                type: 'button',
                class: 'button button-secondary',
                id: `${id}-previous`,
                disabled: model.page <= 1,
                onclick: () => this.search(model.page - 1),
              },
              t('jobs.list.previous'),
            ),
            h('span', { class: 'pager-where' }, t('jobs.list.page', { page: model.page, pages })),
            h(
              'button',
              {
                type: 'button',
                class: 'button button-secondary',
                id: `${id}-next`,
                disabled: model.page >= pages,
                onclick: () => this.search(model.page + 1),
              },
              t('jobs.list.next'),
            ),
          )
        : null,
    );
  }

  body(model) {
    return [this.before(model), this.filterForm(model), this.results(model)];
  }
}
