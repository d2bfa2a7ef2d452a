import si from 'systeminformation';
import type { CameraHealth, HealthPayloadInput } from '../alerts/payloads.js';

/** Per-camera figures, supplied by the pipeline (frames analysed per second, frames dropped so far). */
export type CameraStatsSource = () => CameraHealth[];

/** The system half of a health sample, from systeminformation. */
export interface SystemSample {
  cpuLoadPct: number | null;
  cpuTempC: number | null;
  memTotalBytes: number | null;
  memAvailableBytes: number | null;
  diskFreeBytes: number | null;
  diskTotalBytes: number | null;
}

/** A port so tests (and boards without sensors) can supply their own numbers. */
export interface SystemProbe {
  sample(diskPath: string, withTemperature: boolean): Promise<SystemSample>;
}

/**
 * systeminformation: CPU load, temperature (null when the board has no sensor), memory, and the
 * free space of the file system that holds `diskPath` (the mount with the longest matching path).
 * Each part fails on its own, so a missing sensor never hides the rest.
 */
export const systemProbe: SystemProbe = {
  async sample(diskPath, withTemperature) {
    const [load, temp, mem, fs] = await Promise.allSettled([
      si.currentLoad(),
      withTemperature ? si.cpuTemperature() : Promise.resolve(undefined),
      si.mem(),
      si.fsSize(),
    ]);
    const ok = <T>(r: PromiseSettledResult<T>): T | undefined => (r.status === 'fulfilled' ? r.value : undefined);
    const t = ok(temp)?.main;
    const mount = pickMount(ok(fs) ?? [], diskPath);
    return {
      cpuLoadPct: ok(load)?.currentLoad ?? null,
      cpuTempC: typeof t === 'number' && Number.isFinite(t) ? t : null,
      memTotalBytes: ok(mem)?.total ?? null,
      memAvailableBytes: ok(mem)?.available ?? null,
      diskFreeBytes: mount?.available ?? null,
      diskTotalBytes: mount?.size ?? null,
    };
  },
};

function pickMount<T extends { mount: string }>(list: T[], path: string): T | undefined {
  let best: T | undefined;
  for (const m of list) {
    const prefix = m.mount.endsWith('/') ? m.mount : `${m.mount}/`;
    if ((path === m.mount || path.startsWith(prefix) || m.mount === '/') && m.mount.length > (best?.mount.length ?? -1))
      best = m;
  }
  return best;
}

export function healthInput(
  unitId: string,
  now: number,
  uptimeS: number,
  sys: SystemSample,
  diskPath: string,
  cameras: CameraHealth[],
  outboxDepth: number | null,
): HealthPayloadInput {
  return { unitId, now, uptimeS, ...sys, diskPath, cameras, outboxDepth };
}
