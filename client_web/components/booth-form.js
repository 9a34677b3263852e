// The fields every booth form shares (an employer's request, a venue opening a booth
// or a guidance desk): title, intro, capacity, slot length and opening hours. Values
// are kept as typed (text); boothBody() turns them into the request's JSON.

import { h } from '../lib/dom.js';
import { t } from '../lib/i18n.js';
import { field, input, numberOrText } from './form.js';
import { blankRow, hoursEditor, hoursValue } from './hours.js';

export function boothValues(extra = {}) {
  return { title: '', intro: '', capacity: '50', slot_minutes: '15', hours: [], ...extra };
}

/** The request's fields; blank hours rows are removed from the form first, so that the
 * API's pointers (/hours/<n>/…) name the rows on screen. */
export function boothBody(values) {
  values.hours = values.hours.filter((row) => !blankRow(row));
  return {
    title: values.title.trim(),
    intro: values.intro.trim(),
    capacity: numberOrText(values.capacity),
    slot_minutes: numberOrText(values.slot_minutes),
    hours: hoursValue(values.hours),
  };
}

export function boothFields(model, { fair, lang, repaint, titleHint }) {
  return [
    field(model, {
      name: 'title',
      label: t('structure.booth_form.title'),
      hint: titleHint,
      control: input(model, 'title', { maxlength: 100, autocomplete: 'off' }),
    }),
    field(model, {
      name: 'intro',
      label: t('structure.booth_form.intro'),
      hint: t('structure.booth_form.intro_hint'),
      control: input(model, 'intro', { multiline: true, rows: 4, maxlength: 2000 }),
    }),
    h(
      'div',
      { class: 'field-row' },
      field(model, {
        name: 'capacity',
        label: t('structure.booth_form.capacity'),
        hint: t('structure.booth_form.capacity_hint'),
        control: input(model, 'capacity', {
          type: 'number',
          inputmode: 'numeric',
          min: 1,
          max: 2000,
          class: 'input-short',
        }),
      }),
      field(model, {
        name: 'slot_minutes',
        label: t('structure.booth_form.slot'),
        hint: t('structure.booth_form.slot_hint'),
        control: input(model, 'slot_minutes', {
          type: 'number',
          inputmode: 'numeric',
          min: 5,
          max: 120,
          class: 'input-short',
        }),
      }),
    ),
    hoursEditor(model, { fair, lang, repaint }),
  ];
}
