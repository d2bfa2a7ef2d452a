import type { z } from 'zod';

interface UnitShape {
  unit: { mobile: boolean };
  gps?: unknown;
  cameras: {
    enabled: boolean;
    mount?: string | undefined;
    location: { lat?: number | undefined; lon?: number | undefined; heading?: number | undefined };
  }[];
}

/**
 * The rules that tie a unit's kind to its cameras. A fixed unit (pole, trailer) stamps each read
 * with its camera's configured coordinates, so every camera it reads needs them; a patrol car
 * takes every read's position from gpsd, so it needs `gps`, and coordinates on its cameras would
 * be wrong the moment it drives off. Each problem points at the key to change.
 */
export function checkUnitKind(c: UnitShape, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string): void => {
    ctx.addIssue({ code: 'custom', path, message });
  };
  if (c.unit.mobile) {
    if (c.gps === undefined)
      issue(
        ['unit', 'mobile'],
        'a patrol-car unit (mobile: true) needs a top-level gps: section naming its gpsd (host, port), or set mobile: false',
      );
    c.cameras.forEach((cam, i) => {
      for (const key of ['lat', 'lon', 'heading'] as const) {
        if (cam.location[key] !== undefined)
          issue(
            ['cameras', i, 'location', key],
            `a camera on a patrol car (unit.mobile: true) is located by GPS: remove location.${key} and give mount instead`,
          );
      }
      if (cam.mount === undefined)
        issue(
          ['cameras', i, 'mount'],
          'a camera on a patrol car (unit.mobile: true) needs mount: front, rear, left or right',
        );
    });
    return;
  }
  if (c.gps !== undefined)
    issue(['gps'], 'gps is read only on a patrol-car unit: set unit.mobile: true, or remove the gps section');
  c.cameras.forEach((cam, i) => {
    if (cam.mount !== undefined)
      issue(
        ['cameras', i, 'mount'],
        'mount is for cameras on a patrol car (unit.mobile: true); a camera on a fixed unit gives location.lat and location.lon',
      );
    if (cam.enabled && (cam.location.lat === undefined || cam.location.lon === undefined))
      issue(
        ['cameras', i, 'location'],
        'a camera on a fixed unit needs location.lat and location.lon (WGS84 degrees) so its reads can be found by a canvass; on a patrol car set unit.mobile: true',
      );
  });
}
