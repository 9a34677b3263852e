// A page that changes after it has loaded: forms, lists that grow, buttons that
// approve things. The base Page (lib/page.js) renders once per load and again on a
// language change; a LivePage keeps what it loaded in `this.model` (forms keep their
// drafts and last errors there too, so a language switch re-renders them, in the other
// language, without losing what was typed) and redraws its body with repaint().
//
//   class MyPage extends LivePage {
//     async load(signal) { return { items: await api('/api/things', { signal }) }; }
//     heading() { return t('…'); }
//     body(model) { return [ … nodes built from model … ]; }
//   }
//
// Subclasses implement body(model) instead of render(data).

import { h } from '../lib/dom.js';
import { Page } from '../lib/page.js';

export class LivePage extends Page {
  /** What load() returned, changed in place by the page's actions. */
  model = null;
  #body = null;

  /** The page's content under the heading, from the model. */
  body(_model) {
    return [];
  }

  render(model) {
    this.model = model;
    this.#body = h('div', { class: 'page-body' }, this.body(model));
    return this.#body;
  }

  /**
   * Redraw the body (and the heading) from the model. Focus goes to `focus` (a
   * selector) if given, else back to the element with the id that had it, so a button
   * that changes the page does not drop the keyboard user at the top.
   */
  repaint({ focus = null } = {}) {
    if (!this.#body) return;
    const active = document.activeElement;
    const activeId = active && this.contains(active) ? active.id : '';
    this.#body.replaceChildren(...[this.body(this.model)].flat(Infinity).filter(Boolean));
    const heading = this.querySelector('h1');
    if (heading) heading.textContent = this.heading(this.model);
    const target =
      (focus && this.querySelector(focus)) ||
      (activeId && this.querySelector(`#${CSS.escape(activeId)}`));
    if (target) target.focus();
  }
}
