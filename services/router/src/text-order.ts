/**
 * Orders strings by UTF-16 code units — byte order for the ASCII names we handle, like the
 * reference's `std::map<std::string, …>` — never by locale, so dumps are stable everywhere.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
