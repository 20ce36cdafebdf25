/**
 * Orders strings by UTF-16 code units — byte order for the ASCII names and end-points we handle,
 * like the reference's `std::map<std::string, …>` whose iteration order its dumps and traces show
 * — never by locale, so orders are the same on every machine. The router's tables and dumps and
 * the controller's membership and installers sort with it.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
