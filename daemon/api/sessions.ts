import { randomBytes } from 'node:crypto';
import type { Clock } from '../shared/clock.js';

interface Session {
  userId: number;
  expiresAt: number;
}

/**
 * Login sessions of the local API, in the daemon's memory only (a restart logs everyone out). A
 * token is 32 random bytes, hex; it expires `minutes` after its last use, on the daemon's clock.
 */
export class SessionTable {
  private readonly sessions = new Map<string, Session>();

  /** @param clock the daemon's clock; @param minutes access.session_minutes. */
  constructor(
    private readonly clock: Clock,
    private readonly minutes: number,
  ) {}

  open(userId: number): { token: string; expiresAt: number } {
    this.sweep();
    const token = randomBytes(32).toString('hex');
    const expiresAt = this.clock.now() + this.minutes * 60_000;
    this.sessions.set(token, { userId, expiresAt });
    return { token, expiresAt };
  }

  /** The user id behind a live token, sliding its expiry forward; undefined when unknown or expired. */
  resume(token: string): number | undefined {
    const s = this.sessions.get(token);
    if (!s) return undefined;
    const now = this.clock.now();
    if (s.expiresAt <= now) {
      this.sessions.delete(token);
      return undefined;
    }
    s.expiresAt = now + this.minutes * 60_000;
    return s.userId;
  }

  /** True while `token` is live, without moving its expiry (for sweeps, not for requests). */
  alive(token: string): boolean {
    const s = this.sessions.get(token);
    return s !== undefined && s.expiresAt > this.clock.now();
  }

  close(token: string): boolean {
    return this.sessions.delete(token);
  }

  /** Ends every session of a user (disabled, password changed by an administrator). */
  closeUser(userId: number): void {
    for (const [t, s] of this.sessions) if (s.userId === userId) this.sessions.delete(t);
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [t, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(t);
  }
}
