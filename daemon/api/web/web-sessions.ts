import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Purpose } from '../../access/purpose.js';
import type { Clock } from '../../shared/clock.js';
import { SessionTable } from '../sessions.js';

/** What the page's session carries besides the login: its CSRF token, the shift's purpose, what it was shown lately. */
export interface PageSession {
  token: string;
  userId: number;
  csrf: string;
  purpose: Purpose | null;
  /** Shown but not yet in the audit log (flushed every web.view_audit_interval_s). */
  views: { hits: Set<string>; reads: Set<string>; crops: Set<string> };
  /** Closes the session's open event streams: with a reason (logout, expiry) the page is told why. */
  streams: Set<(reason?: 'expired' | 'logged_out' | 'disabled') => void>;
}

/**
 * The page's sessions: the socket API's SessionTable (same expiry after access.session_minutes
 * without use, in memory only) plus, per session, a CSRF token and the shift's purpose.
 */
export class PageSessions {
  private readonly table: SessionTable;
  private readonly byToken = new Map<string, PageSession>();

  /** @param clock the daemon's clock; @param minutes access.session_minutes. */
  constructor(clock: Clock, minutes: number) {
    this.table = new SessionTable(clock, minutes);
  }

  open(userId: number): { session: PageSession; expiresAt: number } {
    const { token, expiresAt } = this.table.open(userId);
    const session: PageSession = {
      token,
      userId,
      csrf: randomBytes(24).toString('hex'),
      purpose: null,
      views: { hits: new Set(), reads: new Set(), crops: new Set() },
      streams: new Set(),
    };
    this.byToken.set(token, session);
    return { session, expiresAt };
  }

  /** The live session of a cookie, its expiry moved forward; undefined when unknown or expired. */
  resume(token: string): PageSession | undefined {
    const s = this.byToken.get(token);
    if (!s) return undefined;
    if (this.table.resume(token) === undefined) return undefined;
    return s;
  }

  /** Ends a session; returns it (its unflushed views still to record) or undefined. */
  close(token: string): PageSession | undefined {
    const s = this.byToken.get(token);
    this.table.close(token);
    this.byToken.delete(token);
    return s;
  }

  /** Every session, live or just expired (to flush their views). */
  all(): PageSession[] {
    return [...this.byToken.values()];
  }

  /** Drops sessions the table expired; returns them. */
  sweep(): PageSession[] {
    const gone: PageSession[] = [];
    for (const [t, s] of this.byToken)
      if (!this.table.alive(t)) {
        this.table.close(t);
        this.byToken.delete(t);
        gone.push(s);
      }
    return gone;
  }
}

/** Compares a CSRF header with the session's token in constant time. */
export function csrfMatches(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Logins per address per minute (a sliding window); the account lockout works behind it. */
export class LoginRateLimit {
  private readonly tries = new Map<string, number[]>();

  /** @param perMinute web.login_attempts_per_minute. */
  constructor(
    private readonly clock: Clock,
    private readonly perMinute: number,
  ) {}

  /** Seconds to wait before `address` may try again, or 0 and the try is counted. */
  take(address: string): number {
    const now = this.clock.now();
    const recent = (this.tries.get(address) ?? []).filter((t) => t > now - 60_000);
    if (recent.length >= this.perMinute) {
      this.tries.set(address, recent);
      return Math.max(1, Math.ceil((recent[0]! + 60_000 - now) / 1000));
    }
    recent.push(now);
    this.tries.set(address, recent);
    if (this.tries.size > 10_000) this.tries.clear();
    return 0;
  }
}
