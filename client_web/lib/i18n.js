// UI strings: per-feature catalogues, client_web/i18n/<feature>.<lang>.json.
//
// A catalogue is a flat JSON object whose keys all start with "<feature>." and whose
// values are text with optional {name} placeholders:
//
//   { "fairs.venues.count": "共 {count} 个分会场" }
//
// t("fairs.venues.count", { count: 32 }) looks the key up in the current language.
// Keys must be string literals in the source (t("…"), data-i18n="…") so that
// tests/unit/test_i18n_catalogues.py can check that every key used exists in both
// languages. Where a key is built at run time (error codes, enum values), use
// tCode() with a literal prefix, which falls back to a given key instead of showing a
// raw key on screen.

export const LANGUAGES = ['zh-CN', 'en'];
export const DEFAULT_LANGUAGE = 'zh-CN';
const STORAGE_KEY = 'livefair.language';

const catalogues = new Map(); // "<feature>.<lang>" -> Promise<object>
const strings = new Map(); // lang -> Map(key -> text)
const loadedFeatures = new Set();
let current = DEFAULT_LANGUAGE;

/** The language the user chose before (localStorage), else zh-CN. */
export function storedLanguage() {
  try {
    const value = window.localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.includes(value) ? value : DEFAULT_LANGUAGE;
  } catch {
    return DEFAULT_LANGUAGE; // storage disabled (some in-app browsers): not remembered
  }
}

export function language() {
  return current;
}

/** "zh" or "en": the suffix of bilingual API fields (name_zh, name_en). */
export function dataSuffix(lang = current) {
  return lang === 'en' ? 'en' : 'zh';
}

function fetchCatalogue(feature, lang) {
  const id = `${feature}.${lang}`;
  if (!catalogues.has(id)) {
    const promise = fetch(`/i18n/${id}.json`, { credentials: 'same-origin' }).then((response) => {
      if (!response.ok) throw new Error(`catalogue ${id}: HTTP ${response.status}`);
      return response.json();
    });
    promise.catch(() => catalogues.delete(id)); // let a later call retry
    catalogues.set(id, promise);
  }
  return catalogues.get(id);
}

async function loadInto(lang, features) {
  const table = strings.get(lang) ?? new Map();
  const loaded = await Promise.all(features.map((feature) => fetchCatalogue(feature, lang)));
  for (const catalogue of loaded) {
    for (const [key, text] of Object.entries(catalogue)) table.set(key, text);
  }
  strings.set(lang, table);
}

/** Make the features' strings available in the current language (idempotent). */
export async function useFeatures(features) {
  const missing = features.filter((feature) => !loadedFeatures.has(feature));
  if (missing.length === 0) return;
  await loadInto(current, missing);
  for (const feature of missing) loadedFeatures.add(feature);
}

/**
 * Switch language: load every feature already in use in the new language, then
 * update <html lang>, remember the choice and tell listeners ("languagechange" on
 * window, detail: { language }).
 */
export async function setLanguage(lang, { remember = true } = {}) {
  if (!LANGUAGES.includes(lang)) throw new Error(`unsupported language ${lang}`);
  await loadInto(lang, [...loadedFeatures]);
  current = lang;
  document.documentElement.lang = lang;
  if (remember) {
    try {
      window.localStorage.setItem(STORAGE_KEY, lang);
    } catch {
      // storage disabled: the choice lasts for this page only
    }
  }
  window.dispatchEvent(new CustomEvent('languagechange', { detail: { language: lang } }));
}

function interpolate(text, params) {
  return text.replace(/\{([a-zA-Z0-9_]+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** The text of `key` in the current language, with {name} placeholders filled in. */
export function t(key, params = {}) {
  const text = strings.get(current)?.get(key);
  if (text === undefined) {
    console.warn(`i18n: missing key ${key} (${current})`);
    return key; // visible on purpose: the browser tests fail on a raw key on screen
  }
  return interpolate(text, params);
}

/** Whether `key` exists in the current language (for keys built at run time). */
export function has(key) {
  return strings.get(current)?.has(key) ?? false;
}

/**
 * Text for a value from the API (an error code, an enum value): `prefix + value`,
 * or `fallback` when the catalogue has no such key. Never shows a raw key.
 */
export function tCode(prefix, value, fallback, params = {}) {
  const key = `${prefix}${value}`;
  return has(key) ? t(key, params) : t(fallback, params);
}

/**
 * Fill elements under `root` that carry data-i18n="key" (text content) or
 * data-i18n-<attribute>="key" (aria-label, placeholder, title, alt).
 */
export function translate(root = document) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    element.textContent = t(element.dataset.i18n);
  }
  for (const attribute of ['aria-label', 'placeholder', 'title', 'alt']) {
    for (const element of root.querySelectorAll(`[data-i18n-${attribute}]`)) {
      element.setAttribute(attribute, t(element.getAttribute(`data-i18n-${attribute}`)));
    }
  }
}
