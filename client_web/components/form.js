// Forms that talk to the API: labelled fields bound to a model, the API's field errors
// (422 `errors: [{pointer, code}]`) shown next to their fields and in a summary at the
// top that takes focus, and a submit button that cannot send twice.
//
//   const model = new FormModel('login', { identifier: '', password: '' });
//   formNode(model, {
//     label: t('identity.login.submit'),
//     repaint: (options) => this.repaint(options),      // a LivePage's repaint
//     content: () => [
//       field(model, { name: 'identifier', label: t('…'), control: input(model, 'identifier') }),
//     ],
//     submit: async (values) => { await api('/api/auth/login', { method: 'POST', body: values }); },
//   });
//
// The model keeps what was typed and the last error, so a language switch (which
// re-renders the page) shows both again, the error in the new language. Forms use
// `novalidate`: the browser's own bubbles would speak the browser's language, not the
// page's; required fields are checked here and everything else by the API.
//
// All errors at once: a `check` that refuses stops the request, so whatever the API
// would also have said shows only on the next submit. Where the API refuses a blank
// field anyway, leave it out of `check` and send it: a field left blank that the API
// refuses (for its type, its length, its choices) is shown as required.
//
// Numbers: a number typed as text that is not one ("二零二六", "20 26") must never
// reach the API as null — that would erase what was saved. Read such fields with
// wholeNumber() and refuse them with notNumbers() in `check`, or send them with
// numberOrText(), which sends such text as typed for the API to refuse by name. An
// <input type=number> hides what was typed when it is not a number (its value is '');
// formNode refuses those (validity.badInput) by itself.

import { ApiError, describeField } from '../api.js';
import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';

export class FormModel {
  constructor(id, values = {}) {
    this.id = id;
    this.values = values;
    /** The last failure (an ApiError), shown until the next submit. */
    this.error = null;
    this.busy = false;
    /** pointer -> { id, label } of the fields drawn in the last render */
    this.fields = new Map();
  }
}

function controlId(model, name) {
  return `${model.id}-${String(name).replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}

/** The field error for `pointer` (also "/hours/2/end" for pointer "/hours/2"). */
export function fieldError(model, pointer) {
  const fields = model.error instanceof ApiError ? model.error.fields : [];
  return (
    fields.find((f) => f.pointer === pointer) ??
    fields.find((f) => f.pointer.startsWith(`${pointer}/`)) ??
    null
  );
}

/** A text control bound to model.values[name]. `attributes.multiline` makes a textarea. */
export function input(model, name, { multiline = false, ...attributes } = {}) {
  const element = h(multiline ? 'textarea' : 'input', {
    id: controlId(model, name),
    name,
    ...(multiline ? {} : { type: 'text' }),
    ...attributes,
  });
  element.value = model.values[name] ?? '';
  element.addEventListener('input', () => {
    model.values[name] = element.value;
  });
  return element;
}

const FULL_WIDTH_DIGIT = /[\uFF10-\uFF19]/g;
const MINUS = /^[\uFF0D\u2212]/; // full-width hyphen-minus, minus sign

/**
 * A whole number typed into a text field: the number, null when blank, NaN when it is
 * not one. Full-width digits (２０２６, from a Chinese input method) count as digits; a
 * leading minus makes a negative number (-5 is a whole number, for the API to refuse
 * as out of range where it is).
 */
export function wholeNumber(text) {
  const typed = String(text ?? '')
    .trim()
    .replace(FULL_WIDTH_DIGIT, (digit) => String.fromCharCode(digit.charCodeAt(0) - 0xfee0))
    .replace(MINUS, '-');
  if (typed === '') return null;
  return /^-?[0-9]+$/.test(typed) ? Number(typed) : Number.NaN;
}

/**
 * What a number field sends: the whole number typed, else the text as typed (blank
 * too), which the API refuses by name; never null, which could erase a saved value.
 */
export function numberOrText(text) {
  const number = wholeNumber(text);
  return number === null || Number.isNaN(number) ? String(text ?? '') : number;
}

/**
 * The fields of `names` typed but not whole numbers, as "number.whole" errors for
 * `check`. `pointers` maps a name to its pointer where that is not "/<name>".
 */
export function notNumbers(values, names, pointers = {}) {
  return names
    .filter((name) => Number.isNaN(wholeNumber(values[name])))
    .map((name) => [pointers[name] ?? `/${name}`, 'number.whole']);
}

/** <input type=number> of `form` holding text the browser could not read as a number. */
function unreadableNumbers(model, form) {
  const refused = [];
  for (const [pointer, { id }] of model.fields) {
    const control = form.querySelector(`#${CSS.escape(id)}`);
    if (control?.type === 'number' && control.validity?.badInput) {
      refused.push([pointer, 'number.whole']);
    }
  }
  return refused;
}

/** A <select> bound to model.values[name]; options: [{ value, label }]. */
export function select(model, name, options, attributes = {}) {
  const element = h(
    'select',
    { id: controlId(model, name), name, ...attributes },
    options.map((option) => h('option', { value: option.value }, option.label)),
  );
  element.value = model.values[name] ?? '';
  element.addEventListener('change', () => {
    model.values[name] = element.value;
  });
  return element;
}

/** How a field error reads: the form's own explanation, else the catalogue's. */
function message(error, explain) {
  return (explain && explain(error)) || describeField(error.code);
}

/**
 * A labelled field around `control`: label, hint, error (when the API named this
 * field), control. `pointer` is the field's JSON pointer in the request ("/name").
 */
export function field(model, { name, pointer = `/${name}`, label, hint = null, control, explain }) {
  const id = control.id;
  const error = fieldError(model, pointer);
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ');
  if (describedBy) control.setAttribute('aria-describedby', describedBy);
  if (error) control.setAttribute('aria-invalid', 'true');
  model.fields.set(pointer, { id, label, explain });
  return h(
    'div',
    { class: `field${error ? ' field-invalid' : ''}` },
    h('label', { for: id }, label),
    hint ? h('div', { id: hintId, class: 'hint' }, hint) : null,
    error ? h('p', { id: errorId, class: 'field-error' }, message(error, explain)) : null,
    control,
  );
}

/** One checkbox bound to a boolean model value; `onchange` runs after the model changed. */
export function checkbox(model, name, label, hint = null, onchange = null) {
  const id = `${model.id}-${name}`;
  const box = h('input', {
    type: 'checkbox',
    id,
    name,
    'aria-describedby': hint ? `${id}-hint` : null,
  });
  box.checked = Boolean(model.values[name]);
  box.addEventListener('change', () => {
    model.values[name] = box.checked;
    onchange?.();
  });
  return h(
    'div',
    { class: 'check' },
    box,
    h('label', { for: id }, label),
    hint ? h('p', { id: `${id}-hint`, class: 'hint' }, hint) : null,
  );
}

/**
 * Checkboxes for a set of ids (model.values[name] is an array), in a fieldset.
 * options: [{ value, label, hint? }]. Empty options show `empty` instead.
 */
export function checkboxes(model, { name, pointer = `/${name}`, legend, options, empty = '' }) {
  const chosen = new Set(model.values[name] ?? []);
  const error = fieldError(model, pointer);
  const errorId = error ? `${controlId(model, name)}-error` : null;
  const boxes = options.map((option, index) => {
    const id = `${controlId(model, name)}-${index}`;
    const box = h('input', { type: 'checkbox', id, name, value: option.value });
    box.checked = chosen.has(option.value);
    box.addEventListener('change', () => {
      const now = new Set(model.values[name] ?? []);
      if (box.checked) now.add(option.value);
      else now.delete(option.value);
      model.values[name] = [...now];
    });
    return h(
      'div',
      { class: 'check' },
      box,
      h('label', { for: id }, option.label),
      option.hint ? h('span', { class: 'hint' }, option.hint) : null,
    );
  });
  const first = options.length > 0 ? `${controlId(model, name)}-0` : null;
  if (first) model.fields.set(pointer, { id: first, label: legend });
  return h(
    'fieldset',
    { class: `fieldset${error ? ' field-invalid' : ''}`, 'aria-describedby': errorId },
    h('legend', {}, legend),
    error ? h('p', { id: errorId, class: 'field-error' }, message(error)) : null,
    options.length > 0 ? boxes : h('p', { class: 'hint' }, empty),
  );
}

/** The summary at the top of a form after a failed submit; it takes focus. */
function summary(model) {
  const error = model.error;
  if (!error) return null;
  const items = [];
  if (error instanceof ApiError) {
    for (const fieldErr of error.fields) {
      const known =
        model.fields.get(fieldErr.pointer) ??
        [...model.fields.entries()].find(([pointer]) =>
          fieldErr.pointer.startsWith(`${pointer}/`),
        )?.[1];
      const text = message(fieldErr, known?.explain);
      items.push(
        h(
          'li',
          {},
          known
            ? h(
                'a',
                {
                  href: `#${known.id}`,
                  onclick: (event) => {
                    event.preventDefault();
                    document.getElementById(known.id)?.focus();
                  },
                },
                t('shell.form.item', { label: known.label, message: text }),
              )
            : text,
        ),
      );
    }
  }
  const lead = error instanceof ApiError ? error.localised() : t('errors.code.unknown');
  return h(
    'div',
    {
      id: `${model.id}-summary`,
      class: 'error-summary',
      tabindex: '-1',
      role: 'group',
      'aria-labelledby': `${model.id}-summary-title`,
    },
    h('h2', { id: `${model.id}-summary-title` }, t('shell.form.failed')),
    h('p', { 'data-error-code': error.code ?? 'client' }, lead),
    items.length > 0 ? h('ul', {}, items) : null,
  );
}

/** An ApiError built here, for a check made before sending (required fields). */
export function localError(fields) {
  return new ApiError({
    code: 'request.invalid',
    status: 422,
    errors: fields.map(([pointer, code]) => ({ pointer, code })),
  });
}

/** The pointers of `names` whose value is empty, as "required" errors (or []). */
export function missing(values, names) {
  return names
    .filter((name) => String(values[name] ?? '').trim() === '')
    .map((name) => [`/${name}`, 'required']);
}

/**
 * The API's field errors with those on a field left blank read as "required": whatever
 * the API has against an empty value, the person has to fill the field in.
 */
function blankIsRequired(error, values) {
  if (!(error instanceof ApiError)) return;
  for (const fieldErr of error.fields) {
    const name = fieldErr.pointer.slice(1);
    const value = values[name];
    if (
      fieldErr.code !== 'required' &&
      !name.includes('/') &&
      typeof value === 'string' &&
      value.trim() === ''
    ) {
      fieldErr.code = 'required';
      fieldErr.message = describeField('required');
    }
  }
}

/**
 * A <form>. `content()` builds its fields (called here, so that the summary knows
 * them), `check(values)` may return [[pointer, code], …] to refuse before sending,
 * `submit(values)` talks to the API (throwing an ApiError on failure), and `repaint`
 * redraws the page. After a failure the summary gets focus.
 */
export function formNode(
  model,
  { label, content, submit, repaint, check = () => [], actions = [], className = '' },
) {
  model.fields = new Map();
  const children = content();
  const button = h('button', { type: 'submit', id: `${model.id}-submit`, class: 'button' }, label);
  const onSubmit = async (event) => {
    event.preventDefault();
    if (model.busy) return; // not `disabled`: that would take focus off the button
    const refused = [...unreadableNumbers(model, form), ...check(model.values)];
    if (refused.length > 0) {
      model.error = localError(refused);
      repaint({ focus: `#${model.id}-summary` });
      return;
    }
    model.busy = true;
    model.error = null;
    button.setAttribute('aria-disabled', 'true');
    form.setAttribute('aria-busy', 'true');
    let failed = false;
    try {
      await submit(model.values);
    } catch (error) {
      if (!(error instanceof ApiError)) console.error(error);
      blankIsRequired(error, model.values);
      model.error = error;
      failed = true;
    } finally {
      model.busy = false;
      button.removeAttribute('aria-disabled');
      form.removeAttribute('aria-busy');
    }
    if (failed) repaint({ focus: `#${model.id}-summary` });
  };
  const form = h(
    'form',
    { id: model.id, class: `form ${className}`.trim(), novalidate: true, onsubmit: onSubmit },
    summary(model),
    children,
    h('div', { class: 'actions' }, button, actions),
  );
  return form;
}
