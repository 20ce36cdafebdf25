/**
 * Orders strings by UTF-16 code units — byte order for the ASCII end-points we handle, like the
 * reference's `std::map<std::string, …>` whose iteration order its traces show — never by locale.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
