/**
 * The development keys every OpenWhisk distribution ships (ansible `auth.guest`, the standalone
 * server's configuration). Public by design; never use them outside loopback.
 */
export const GUEST_KEY =
  "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP";

export const WHISK_SYSTEM_KEY =
  "789c46b1-71f6-4ed5-8c54-816aa4f8c502:abczO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP";
