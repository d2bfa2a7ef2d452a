/**
 * The last N lines ffmpeg wrote to stderr, credentials stripped as they arrive, so the reason a
 * stream died can be logged without ever putting an RTSP password in the journal.
 */
import { stripCredentials } from '../shared/redact.js';

export class StderrTail {
  private lines: string[] = [];
  private partial = '';

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
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }

  /** The kept lines, oldest first, including an unterminated last line. */
  snapshot(): string[] {
    return this.partial.trim() ? [...this.lines, stripCredentials(this.partial)].slice(-this.max) : [...this.lines];
  }

  clear(): void {
    this.lines = [];
    this.partial = '';
  }
}
