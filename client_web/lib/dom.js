// Building DOM without innerHTML: API data is always set as text, never parsed as HTML.

/**
 * h('a', { href: '/venues', class: 'card' }, 'text', otherNode, null, [more, nodes])
 *
 * Attributes: `class`, any attribute by name (values true/false toggle boolean
 * attributes, null/undefined skip), `on<event>` functions become listeners, and
 * `dataset` takes an object. Children may be strings, nodes, arrays, or null/false
 * (skipped).
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'dataset') {
      Object.assign(element.dataset, value);
    } else if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (value === true) {
      element.setAttribute(name, '');
    } else {
      element.setAttribute(name, String(value));
    }
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : String(child));
  }
}

/** Text in another language than the page (a Chinese-only name on the English page). */
export function inLanguage(text, lang, pageLang) {
  return lang === pageLang ? text : h('span', { lang }, text);
}

/** A URL as text that may wrap after "/" and "." (long links on a phone), not mid-word. */
export function urlText(url) {
  const parts = [];
  for (const piece of url.match(/[^/.]*[/.]*/g)) {
    if (piece) parts.push(piece, document.createElement('wbr'));
  }
  parts.pop();
  return parts;
}

/**
 * Replace `element`'s children with `nodes` (nested arrays, nulls skipped), then focus
 * the `focus` selector if given and found, else whatever had the focus before (by id).
 */
export function replaceKeepingFocus(element, nodes, focus = null) {
  const active = document.activeElement;
  const activeId = active && element.contains(active) ? active.id : '';
  element.replaceChildren(...[nodes].flat(Infinity).filter(Boolean));
  const target =
    (focus && element.querySelector(focus)) ||
    (activeId && element.querySelector(`#${CSS.escape(activeId)}`));
  if (target) target.focus();
}
