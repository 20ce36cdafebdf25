/** `value` with `digits` decimals; "n/a" for NaN and infinities (a ratio to nothing, no calls). */
export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

/** A difference with its sign and three decimals: "+0.123", "-0.010". */
export function signed(value: number): string {
  return Number.isFinite(value) ? `${value >= 0 ? "+" : ""}${value.toFixed(3)}` : "n/a";
}

/** A ratio as the reports print it: "0.75×". */
export function times(ratio: number): string {
  return `${fixed(ratio, 2)}×`;
}

/** An integer with thousands separators: "1,000". */
export function grouped(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString("en-US") : "n/a";
}
