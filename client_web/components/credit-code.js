// The unified social credit code (统一社会信用代码, GB 32100-2015): the same checks as
// server/domain/credit_code.py, so that when the API refuses a code
// (field code "employer.credit_code") the form can say *what* is wrong in the
// visitor's language — the API never localises. The server stays the judge: this is
// only used to explain its verdict.

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
export const CREDIT_CODE_LENGTH = 18;

// Registration authority (position 1) -> the institution types (position 2) it issues.
const TYPES = {
  1: '1239',
  2: '19',
  3: '1234569',
  4: '19',
  5: '1239',
  6: '129',
  7: '129',
  8: '19',
  9: '123',
  A: '19',
  N: '1239',
  Y: '1',
};

const PROVINCE_PREFIXES = new Set(
  (
    '10 11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 ' +
    '50 51 52 53 54 61 62 63 64 65 71 81 82'
  ).split(' '),
);

/** Upper-case, without the spaces and hyphens people type. */
export function normaliseCreditCode(text) {
  return String(text).replace(/\s+/g, '').replace(/-/g, '').toUpperCase();
}

/**
 * Why `text` is not a valid code: { reason, … } with reason one of "length" (count),
 * "character" (chars), "authority", "type", "region", "check" — or null when valid.
 */
export function creditCodeProblem(text) {
  const code = normaliseCreditCode(text);
  if (code.length !== CREDIT_CODE_LENGTH) return { reason: 'length', count: code.length };
  const bad = [...new Set([...code].filter((char) => !ALPHABET.includes(char)))].sort();
  if (bad.length > 0) return { reason: 'character', chars: bad.join(' ') };
  const types = TYPES[code[0]];
  if (!types) return { reason: 'authority', char: code[0] };
  if (!types.includes(code[1])) return { reason: 'type', char: code[1] };
  const region = code.slice(2, 8);
  if (!/^[0-9]{6}$/.test(region) || !PROVINCE_PREFIXES.has(region.slice(0, 2))) {
    return { reason: 'region', region };
  }
  let total = 0;
  for (let i = 0; i < 17; i += 1) total += ALPHABET.indexOf(code[i]) * WEIGHTS[i];
  if (code[17] !== ALPHABET[(31 - (total % 31)) % 31]) return { reason: 'check' };
  return null;
}
