/**
 * Formats a number as a C++ `std::ostream` does by default (`%g`, 6 significant digits): `0.5`,
 * `99`, `0.106305`, `1e-05`, `1e+06`. The reference prints forwarding-table weights this way and
 * its tests compare the dumps character by character (reference §3.1).
 */
export function formatCppFloat(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";

  const precision = 6;
  // The exponent after rounding to 6 significant digits decides between fixed and scientific
  // notation (99.99996 rounds to 100.000, exponent 2).
  const [mantissa = "", exponentText = "0"] = value.toExponential(precision - 1).split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= precision) {
    const sign = exponent < 0 ? "-" : "+";
    const digits = String(Math.abs(exponent)).padStart(2, "0");
    return `${stripZeros(mantissa)}e${sign}${digits}`;
  }
  return stripZeros(value.toFixed(precision - 1 - exponent));
}

function stripZeros(text: string): string {
  if (!text.includes(".")) return text;
  return text.replace(/0+$/, "").replace(/\.$/, "");
}
