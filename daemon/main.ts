// Composition root: placeholder until the reading path lands (issue 2).
export async function runDaemon(_args: string[]): Promise<void> {
  throw new Error('not yet');
}
