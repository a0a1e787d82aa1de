/**
 * Python's `'{:0.Nf}'.format(x)`: the exact binary value rounded half to even. JavaScript's
 * `toFixed` rounds exact ties up instead (0.0625 → "0.063" where Python prints "0.062").
 *
 * @example
 * formatFixed(0.0625, 3); // "0.062"
 */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  // toFixed(100) is exact for every double above ~1e-70; smaller ones round to zero anyway.
  const exact = Math.abs(x).toFixed(100);
  const dot = exact.indexOf('.');
  const intPart = exact.slice(0, dot);
  const frac = exact.slice(dot + 1);
  const kept = intPart + frac.slice(0, digits);
  const rest = frac.slice(digits);
  const first = rest.charCodeAt(0) - 48;
  const tail = rest.slice(1);
  let up = first > 5 || (first === 5 && /[1-9]/.test(tail));
  if (first === 5 && !/[1-9]/.test(tail)) up = (kept.charCodeAt(kept.length - 1) - 48) % 2 === 1;
  const rounded = up ? incrementDecimal(kept) : kept;
  const head = rounded.slice(0, rounded.length - digits) || '0';
  const body = digits > 0 ? `${head}.${rounded.slice(rounded.length - digits)}` : head;
  return sign + body;
}

function incrementDecimal(digits: string): string {
  const chars = digits.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    if (chars[i] === '9') chars[i] = '0';
    else {
      chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) + 1);
      return chars.join('');
    }
  }
  return `1${chars.join('')}`;
}
