/**
 * The last N lines ffmpeg wrote to stderr, credentials stripped as they arrive, so the reason a
 * stream died can be logged without ever putting an RTSP password in the journal.
 */
import { stripCredentials } from '../shared/redact.js';

export class StderrTail {
  private lines: string[] = [];
  private partial = '';
  private markAt = -1;

  constructor(private readonly max = 100) {}

  push(chunk: string | Uint8Array): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const parts = text.split(/\r?\n|\r/);
    this.partial = parts.pop() ?? '';
    // A runaway line without newline must not grow without bound either.
    if (this.partial.length > 4096) {
      parts.push(this.partial);
      this.partial = '';
    }
    for (const p of parts) if (p.trim()) this.add(p);
  }

  private add(line: string): void {
    this.lines.push(stripCredentials(line.slice(0, 1000)));
    if (this.lines.length > this.max) {
      const cut = this.lines.length - this.max;
      this.lines.splice(0, cut);
      this.markAt -= cut;
    }
  }

  /**
   * Starts a new section (one per ffmpeg run) without forgetting the previous run's last words,
   * which are what explains why it had to be restarted.
   */
  mark(label: string): void {
    if (this.partial.trim()) this.add(this.partial);
    this.partial = '';
    this.add(`--- ${label} ---`);
    this.markAt = this.lines.length - 1;
  }

  /** The kept lines, oldest first, including an unterminated last line; `currentOnly`: since the last mark. */
  snapshot(currentOnly = false): string[] {
    const lines = currentOnly && this.markAt >= 0 ? this.lines.slice(this.markAt + 1) : this.lines;
    const all = this.partial.trim() ? [...lines, stripCredentials(this.partial)] : [...lines];
    return all.slice(-this.max);
  }

  clear(): void {
    this.lines = [];
    this.partial = '';
    this.markAt = -1;
  }
}
