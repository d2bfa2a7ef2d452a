/**
 * Prints why a suite is skipped straight to stderr. Jest drops console output of a file whose
 * tests are all skipped, so console.log would leave a skip without a visible reason.
 */
export function announceSkip(what: string, reason: string): void {
  process.stderr.write(`SKIPPED ${what}: ${reason}\n`);
}
