import type { AuthenticatedUser } from '../../daemon/access/authorize.js';
import type { Purpose } from '../../daemon/access/purpose.js';
import type { ApiClient } from '../../daemon/cli/api-client.js';
import { AuditLog, type AuditEntry } from '../../daemon/store/audit-log.js';
import type { ApiRig } from '../api/api-fixture.js';

/**
 * The door people use, for policy tests: each call logs in as the user (password PASSWORD) and goes
 * through the daemon's API, so a clause is proved on the socket, the session and the audited
 * path together, not on AuditedAccess alone.
 */
export class ApiDoor {
  private readonly clients = new Map<string, ApiClient>();

  constructor(private readonly rig: ApiRig) {}

  async client(user: AuthenticatedUser | string): Promise<ApiClient> {
    const name = typeof user === 'string' ? user : user.username;
    let c = this.clients.get(name);
    if (!c) {
      c = await this.rig.as(name);
      this.clients.set(name, c);
    }
    return c;
  }

  /** The audit log without the logins the door itself made. */
  entries(): AuditEntry[] {
    return new AuditLog(this.rig.t.db).between(0, Number.MAX_SAFE_INTEGER).filter((e) => e.action !== 'login');
  }

  async searchReads(
    user: AuthenticatedUser,
    purpose: Purpose | undefined,
    q: { plate?: string; from: number; to: number; cameras?: string[] },
  ) {
    return (await this.client(user)).call('searchReads', { ...body(purpose), ...q });
  }

  async listHits(user: AuthenticatedUser, purpose: Purpose | undefined, q: { from: number; to: number }) {
    return (await (await this.client(user)).call('listHits', { ...body(purpose), ...q })).hits;
  }

  async verifyHit(
    user: AuthenticatedUser,
    purpose: Purpose | undefined,
    v: { hitId: string; outcome: 'confirmed' | 'rejected'; reference: string; note: string },
  ) {
    const c = await this.client(user);
    return (
      await c.call(
        'verifyHit',
        { ...body(purpose), outcome: v.outcome, reference: v.reference, note: v.note },
        { id: v.hitId },
      )
    ).hit;
  }

  async createHold(user: AuthenticatedUser, purpose: Purpose | undefined, h: { reason: string; readIds: string[] }) {
    return (
      await (await this.client(user)).call('createHold', { ...body(purpose), reason: h.reason, read_ids: h.readIds })
    ).hold;
  }

  async recordRelease(
    user: AuthenticatedUser,
    purpose: Purpose | undefined,
    r: {
      agency: string;
      holdId?: number;
      exportId?: string;
      requestingOfficer: string;
      legalBasis: string;
      what: string;
      attorneyNotifiedBy?: string;
      attorneyNotifiedAt?: number;
    },
  ) {
    const c = await this.client(user);
    return (
      await c.call('addRelease', {
        ...body(purpose),
        agency: r.agency,
        hold_id: r.holdId,
        export_id: r.exportId,
        officer: r.requestingOfficer,
        legal_basis: r.legalBasis,
        what: r.what,
        attorney_notified_by: r.attorneyNotifiedBy,
        attorney_notified_at: r.attorneyNotifiedAt,
      })
    ).release;
  }

  async canvass(
    user: AuthenticatedUser,
    purpose: Purpose | undefined,
    q: { lat: number; lon: number; radiusM: number; from: number; to: number },
  ) {
    const c = await this.client(user);
    return c.call('canvass', { ...body(purpose), lat: q.lat, lon: q.lon, radius_m: q.radiusM, from: q.from, to: q.to });
  }
}

function body(purpose: Purpose | undefined): { purpose?: string; case?: string } {
  return purpose ? { purpose: purpose.category, case: purpose.caseNumber } : {};
}
