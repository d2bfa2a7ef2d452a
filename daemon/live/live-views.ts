/**
 * Live viewings of the unit's cameras for the in-car page (aiming and focusing a camera, checking
 * what it sees). The page's routes (daemon/api/web-*.ts) call `start` and `end` for the logged-in
 * user and hand WebSocket upgrades and frame requests under `/api/web/live/` to `upgrade` and
 * `frame`. Every start is audited as access through AuditedAccess (a live picture is data, policy
 * 424.5(b)). One relay per camera, shared by its viewers, running only while someone watches.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { AuditedAccess } from '../access/audited-access.js';
import { refusalReason, type AuthenticatedUser } from '../access/authorize.js';
import type { Purpose } from '../access/purpose.js';
import { roleAllows } from '../access/roles.js';
import type { LiveStartResponse } from '../api/web-contract.js';
import { WEB_API_PREFIX } from '../api/web-constants.js';
import { resolveFfmpegPath } from '../camera/ffmpeg-path.js';
import { nodeProcessSpawner, type ProcessSpawner } from '../camera/process-port.js';
import type { CameraConfig } from '../config/camera-schema.js';
import type { Service } from '../lifecycle/lifecycle.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { CameraRelay } from './camera-relay.js';
import { type FrameTap, JPEG_INTERVAL_MS } from './frame-tap.js';
import { buildRelayArgs } from './relay-args.js';

/** Why a viewing cannot start or be served; the page's routes turn `code` into 404 or 503. */
export class LiveViewError extends Error {
  constructor(
    readonly code: 'not_found' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

export interface LiveViewsDeps {
  cameras: readonly CameraConfig[];
  /** The one audited path; a start is one `perform`. */
  access: Pick<AuditedAccess, 'perform'>;
  frames: FrameTap;
  /** ffmpeg binary; default: resolveFfmpegPath() when a relay first starts (system first, npm fallback). */
  ffmpegPath?: string;
  clock: Clock;
  log: Logger;
  spawner?: ProcessSpawner;
  /** ffmpeg keeps running this long after the last viewer left. */
  lingerMs?: number;
  /** A viewing with no open socket (or, for JPEG, no frame fetched) for this long ends by itself. */
  idleMs?: number;
  /** How often viewers are pinged (a socket that misses one answer is dropped); tests shorten it. */
  heartbeatMs?: number;
  /** Wait between tries of a relay whose ffmpeg ended while people watch. */
  retryMs?: number;
  /** After a camera's stream could not be relayed, viewings of it get JPEGs for this long. */
  fallbackMs?: number;
}

interface Viewing {
  id: string;
  token: Buffer;
  cameraId: string;
  userId: number;
  username: string;
  kind: 'mpeg1' | 'jpeg';
  startedAt: number;
  lastSeen: number;
  sockets: number;
}

const LIVE_ID = /^[0-9a-f]{32}$/;
const STREAM_PATH = new RegExp(`^${WEB_API_PREFIX}/live/([0-9a-f]{32})/stream$`);

/** The same-origin path of a viewing's MPEG-TS WebSocket and of its newest JPEG (under the page's cookie path). */
export function liveStreamPath(liveId: string): string {
  return `${WEB_API_PREFIX}/live/${liveId}/stream`;
}
export function liveFramePath(liveId: string): string {
  return `${WEB_API_PREFIX}/live/${liveId}/frame`;
}

export class LiveViews {
  private readonly viewings = new Map<string, Viewing>();
  private readonly relays = new Map<string, CameraRelay>();
  private readonly fallbackUntil = new Map<string, number>();
  private readonly cameras: Map<string, CameraConfig>;
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1024 });
  private stopSweep: (() => void) | undefined;

  /** For main.ts's lifecycle: sweeps abandoned viewings while running; stopping ends every relay. */
  readonly service: Service = {
    name: 'live view',
    start: () => {
      this.stopSweep = this.deps.clock.every(2000, () => this.sweep());
    },
    stop: () => this.close(),
  };

  /** Stores its dependencies; no ffmpeg runs until someone watches. */
  constructor(private readonly deps: LiveViewsDeps) {
    this.cameras = new Map(deps.cameras.filter((c) => c.enabled).map((c) => [c.id, c]));
  }

  /**
   * Starts a viewing of `cameraId` for `user`, audited. Deputies view under their patrol purpose
   * (the `search` permission, training current); technicians aiming a camera under
   * `unit_configure`. Throws AccessDeniedError (audited) or LiveViewError.
   */
  start(cameraId: string, user: AuthenticatedUser, purpose?: Purpose): LiveStartResponse {
    const camera = this.cameras.get(cameraId);
    if (!camera) throw new LiveViewError('not_found', `no camera "${cameraId}" on this unit`);
    const now = this.deps.clock.now();
    const kind = (this.fallbackUntil.get(cameraId) ?? 0) > now ? 'jpeg' : 'mpeg1';
    // A deputy watches as data access under the purpose; anyone who may configure the unit (an
    // untrained administrator included) may aim a camera; anyone else is refused as a search.
    const asSearch = purpose !== undefined && refusalReason(user, 'search', now) === undefined;
    const action = asSearch || !roleAllows(user.role, 'unit_configure') ? 'search' : 'unit_configure';
    const id = randomBytes(16).toString('hex');
    this.deps.access.perform(
      user,
      action,
      purpose,
      { kind: 'live_view', camera: cameraId, live_id: id, stream: kind },
      () => ({ value: undefined, count: 1 }),
    );
    const token = randomBytes(32);
    this.viewings.set(id, {
      id,
      token,
      cameraId,
      userId: user.id,
      username: user.username,
      kind,
      startedAt: now,
      lastSeen: now,
      sockets: 0,
    });
    this.deps.log.info({ camera: cameraId, live_id: id, user: user.username, stream: kind }, 'live view started');
    if (kind === 'jpeg') return { kind, live_id: id, frame_path: liveFramePath(id), interval_ms: JPEG_INTERVAL_MS };
    return { kind, live_id: id, ws_path: `${liveStreamPath(id)}?token=${token.toString('hex')}` };
  }

  /** Ends a viewing of `userId`'s (its socket closes; the relay stops once nobody else watches). False when unknown. */
  end(liveId: string, userId: number): boolean {
    const v = this.viewings.get(liveId);
    if (!v || v.userId !== userId) return false;
    this.drop(v, 'closed');
    return true;
  }

  /**
   * Handles an HTTP upgrade for a viewing's stream path (`${WEB_API_PREFIX}/live/:live_id/stream?token=`).
   * `userId`: the user of the page's session cookie, when the caller resolved one; it must be the
   * viewing's. Returns false (socket untouched) for any other path; otherwise it accepts or refuses.
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, userId?: number): boolean {
    const url = new URL(req.url ?? '/', 'http://unit');
    const m = STREAM_PATH.exec(url.pathname);
    if (!m) return false;
    const v = this.viewings.get(m[1]!);
    const given = Buffer.from(url.searchParams.get('token') ?? '', 'hex');
    const ok =
      v &&
      v.kind === 'mpeg1' &&
      given.length === v.token.length &&
      timingSafeEqual(given, v.token) &&
      (userId === undefined || userId === v.userId);
    if (!v || !ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    let relay: CameraRelay | undefined;
    try {
      relay = this.relayFor(v.cameraId);
    } catch (err) {
      this.deps.log.error({ camera: v.cameraId, err: (err as Error).message }, 'cannot start a live relay');
    }
    if (!relay) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!this.viewings.has(v.id)) return ws.close(1000, 'the viewing ended');
      v.sockets++;
      v.lastSeen = this.deps.clock.now();
      (ws as unknown as { liveId: string }).liveId = v.id;
      ws.once('close', () => {
        v.sockets--;
        v.lastSeen = this.deps.clock.now();
      });
      relay.add(ws);
    });
    return true;
  }

  /** The newest frame of a JPEG viewing of `userId`'s; LiveViewError when there is none (yet). */
  async frame(liveId: string, userId: number): Promise<Buffer> {
    const v = LIVE_ID.test(liveId) ? this.viewings.get(liveId) : undefined;
    if (!v || v.userId !== userId) throw new LiveViewError('not_found', 'no such live viewing (it ended?)');
    v.lastSeen = this.deps.clock.now();
    const jpeg = this.deps.frames.jpeg(v.cameraId);
    if (!jpeg) throw new LiveViewError('unavailable', 'the camera has sent no frame yet');
    return jpeg;
  }

  /** Viewers per camera with a relay, and the relay's ffmpeg pid (metrics, tests). */
  relayStats(): { cameraId: string; viewers: number; pid: number | undefined }[] {
    return [...this.relays].map(([cameraId, r]) => ({ cameraId, viewers: r.viewers, pid: r.pid }));
  }

  /** Ends every viewing and stops every relay's ffmpeg. */
  async close(): Promise<void> {
    this.stopSweep?.();
    this.stopSweep = undefined;
    for (const v of [...this.viewings.values()]) this.drop(v, 'daemon stopping');
    await Promise.all([...this.relays.values()].map((r) => r.close()));
    this.relays.clear();
    this.wss.close();
  }

  private relayFor(cameraId: string): CameraRelay | undefined {
    let relay = this.relays.get(cameraId);
    if (relay) return relay;
    const camera = this.cameras.get(cameraId);
    if (!camera) return undefined;
    const d = this.deps;
    relay = new CameraRelay({
      cameraId,
      ffmpegPath: d.ffmpegPath ?? resolveFfmpegPath(),
      args: buildRelayArgs(camera),
      width: camera.width,
      height: camera.height,
      spawner: d.spawner ?? nodeProcessSpawner,
      clock: d.clock,
      log: d.log,
      lingerMs: d.lingerMs ?? 2000,
      retryMs: d.retryMs ?? 2000,
      ...(d.heartbeatMs ? { heartbeatMs: d.heartbeatMs } : {}),
      onFailed: (reason) => {
        // Viewings started from now on get a JPEG a second of the frames the pipeline decodes.
        this.fallbackUntil.set(cameraId, d.clock.now() + (d.fallbackMs ?? 300_000));
        d.log.warn({ camera: cameraId, reason }, 'live relay failed; live views of this camera fall back to JPEG');
      },
    });
    this.relays.set(cameraId, relay);
    return relay;
  }

  private drop(v: Viewing, why: 'closed' | 'abandoned' | 'daemon stopping'): void {
    this.viewings.delete(v.id);
    for (const ws of this.wss.clients) {
      if ((ws as unknown as { liveId?: string }).liveId === v.id) ws.close(1000, 'the viewing ended');
    }
    this.deps.log.info(
      {
        camera: v.cameraId,
        live_id: v.id,
        user: v.username,
        seconds: Math.round((this.deps.clock.now() - v.startedAt) / 1000),
        why,
      },
      'live view ended',
    );
  }

  private sweep(): void {
    const now = this.deps.clock.now();
    const idle = this.deps.idleMs ?? 30_000;
    for (const v of [...this.viewings.values()])
      if (v.sockets === 0 && now - v.lastSeen > idle) this.drop(v, 'abandoned');
  }
}
