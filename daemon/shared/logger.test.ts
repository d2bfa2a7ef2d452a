import { createLogger } from './logger.js';

function linesOf(opts: { logPlates?: boolean }): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('debug', { write: (s: string) => void lines.push(JSON.parse(s)) }, opts);
  log.child({ component: 'pipeline' }).debug({ plate: 'ABC1234', confidence: 0.4 }, 'read dropped');
  log.info({ hit: { plate: 'XYZ987', id: 'h1' }, password: 'pw' }, 'hotlist hit');
  return lines;
}

describe('the journal', () => {
  it('keeps plate text out of every line unless the unit is set to log plates', () => {
    const text = JSON.stringify(linesOf({}));
    expect(text).not.toContain('ABC1234');
    expect(text).not.toContain('XYZ987');
    expect(text).not.toContain('"pw"');
    expect(text).toContain('read dropped');
  });

  it('shows plates where logging.log_plates is on (the demo)', () => {
    const text = JSON.stringify(linesOf({ logPlates: true }));
    expect(text).toContain('ABC1234');
    expect(text).toContain('XYZ987');
    expect(text).not.toContain('"pw"');
  });
});
