// Money and quantities as integers, as the API has them: money in minor units, quantities in thousandths
// ("milli"). Text is parsed digit by digit and arithmetic on amounts uses BigInt, never binary fractions.

/** Formats minor units with `exponent` decimals (1299, 2 -> "12.99"; -5, 2 -> "-0.05"). */
export function formatMinor(minor, exponent) {
  const v = BigInt(minor);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  if (exponent === 0) {
    return (neg ? '-' : '') + abs.toString();
  }
  const scale = 10n ** BigInt(exponent);
  const whole = abs / scale;
  const frac = (abs % scale).toString().padStart(exponent, '0');
  return (neg ? '-' : '') + whole.toString() + '.' + frac;
}

/** Parses "12.5" or "12,50" into minor units with `exponent` decimals; null when it is not an amount. */
export function parseMinor(text, exponent) {
  const m = /^\s*(\d{1,13})(?:[.,](\d*))?\s*$/.exec(text);
  if (!m || (m[2] && m[2].length > exponent)) {
    return null;
  }
  const frac = (m[2] || '').padEnd(exponent, '0');
  return Number(BigInt(m[1]) * 10n ** BigInt(exponent) + BigInt(frac || '0'));
}

/** Parses "2" or "0.755" into thousandths; null when not a quantity with at most three decimals. */
export function parseQtyMilli(text) {
  const m = /^\s*(\d{1,9})(?:[.,](\d{0,3}))?\s*$/.exec(text);
  if (!m) {
    return null;
  }
  return Number(m[1]) * 1000 + Number((m[2] || '').padEnd(3, '0'));
}

/** Thousandths as the decimal text the API takes ("2", "0.755"). */
export function formatQty(milli) {
  const whole = Math.trunc(milli / 1000);
  const frac = Math.abs(milli % 1000);
  const sign = milli < 0 && whole === 0 ? '-' : '';
  return sign + whole + (frac ? '.' + String(frac).padStart(3, '0').replace(/0+$/, '') : '');
}

/** n / d rounded half away from zero, exactly (the one rounding rule of docs/pricing.md). */
export function halfUp(n, d) {
  const a = BigInt(n);
  const b = BigInt(d);
  const neg = a < 0n;
  const abs = neg ? -a : a;
  const q = (2n * abs + b) / (2n * b);
  return Number(neg ? -q : q);
}

/** A random v4 UUID (crypto.randomUUID needs a secure context; a till on the LAN may be plain http). */
export function uuid() {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, x => x.toString(16).padStart(2, '0')).join('');
  return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
}
