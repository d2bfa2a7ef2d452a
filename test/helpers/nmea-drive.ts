/**
 * A patrol car's drive, made up but plausible, for GPS tests: a mountain highway west out of Idaho
 * Springs with curves of 150-350 m radius, at a speed that swings between 50 and 90 km/h. `at(t)`
 * is the truth (where the car was at any moment); `nmea()` is the same drive as a 1 Hz NMEA log for
 * gpsfake, with real times, so gpsd's fixes line up with the system clock of the test.
 */

const EARTH_RADIUS_M = 6_371_000;
const DEG = 180 / Math.PI;
const STEP_MS = 50;

export interface DriveSample {
  /** epoch ms */
  t: number;
  lat: number;
  lon: number;
  speedMps: number;
  headingDeg: number;
  /** Metres driven since the start. */
  distanceM: number;
}

/** Straights and 30-45° curves, repeated: [length m, radius m (0 straight), +1 right / -1 left]. */
const ROAD: [number, number, number][] = [
  [420, 0, 0],
  [180, 300, -1],
  [240, 0, 0],
  [170, 220, 1],
  [180, 0, 0],
  [120, 160, -1],
  [350, 0, 0],
  [200, 350, 1],
  [150, 0, 0],
  [130, 180, 1],
  [300, 0, 0],
  [180, 240, -1],
];

export class Drive {
  private constructor(
    readonly start: number,
    readonly end: number,
    private readonly samples: DriveSample[],
  ) {}

  /**
   * The drive from `start` (epoch ms) for `durationS` seconds, from 39.7422 N 105.5136 W heading
   * 250° (west-south-west, up the canyon).
   */
  static mountainHighway(start: number, durationS: number): Drive {
    const lat0 = 39.7422;
    const lon0 = -105.5136;
    const samples: DriveSample[] = [];
    let north = 0;
    let east = 0;
    let heading = 250;
    let distance = 0;
    const steps = Math.ceil((durationS * 1000) / STEP_MS);
    for (let i = 0; i <= steps; i++) {
      const tS = (i * STEP_MS) / 1000;
      // 70 km/h ± 20: 50-90 km/h, one swing every 80 s.
      const speed = (70 + 20 * Math.sin((2 * Math.PI * tS) / 80)) / 3.6;
      samples.push({
        t: start + i * STEP_MS,
        lat: lat0 + (north / EARTH_RADIUS_M) * DEG,
        lon: lon0 + (east / (EARTH_RADIUS_M * Math.cos(lat0 / DEG))) * DEG,
        speedMps: speed,
        headingDeg: ((heading % 360) + 360) % 360,
        distanceM: distance,
      });
      const ds = (speed * STEP_MS) / 1000;
      const [, radius, turn] = segmentAt(distance + ds / 2);
      heading += radius ? turn * (ds / radius) * DEG : 0;
      north += ds * Math.cos(heading / DEG);
      east += ds * Math.sin(heading / DEG);
      distance += ds;
    }
    return new Drive(start, start + durationS * 1000, samples);
  }

  /** Where the car was at `t` (epoch ms); undefined outside the drive. */
  at(t: number): DriveSample | undefined {
    if (t < this.start || t > this.end) return undefined;
    const i = Math.min(this.samples.length - 2, Math.floor((t - this.start) / STEP_MS));
    const a = this.samples[i]!;
    const b = this.samples[i + 1]!;
    const f = (t - a.t) / (b.t - a.t);
    return {
      t,
      lat: a.lat + (b.lat - a.lat) * f,
      lon: a.lon + (b.lon - a.lon) * f,
      speedMps: a.speedMps + (b.speedMps - a.speedMps) * f,
      headingDeg: a.headingDeg,
      distanceM: a.distanceM + (b.distanceM - a.distanceM) * f,
    };
  }

  /**
   * The drive as a gpsfake log from `from` to the end, one fix per whole second: GGA (position,
   * 9 satellites), GSA (3D fix), three GSV (11 in view) and RMC (speed, course, date).
   *
   * Pacing: gpsfake's `-c` pauses after every sentence, and its own loop adds a few ms each time,
   * so six sentences a second drift late by tens of ms per second. The log instead starts with
   * gpsfake's "#Delay-Cookie: @ 0.99" header: gpsfake splits the log at "@" and writes one second's
   * sentences at once, then waits 0.99 s (10 ms allowed for its own loop), which holds gpsd's fixes
   * within a few tenths of a second of the system clock over minutes.
   */
  nmea(from = this.start): string {
    const chunks: string[] = [];
    for (let t = Math.ceil(from / 1000) * 1000; t <= this.end; t += 1000) {
      const s = this.at(t)!;
      const d = new Date(t);
      const hms = `${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}.00`;
      const dmy = `${p2(d.getUTCDate())}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCFullYear() % 100)}`;
      const [lat, ns] = dm(s.lat, 2, 'N', 'S');
      const [lon, ew] = dm(s.lon, 3, 'E', 'W');
      const knots = (s.speedMps * 3600) / 1852;
      const alt = (2400 + s.distanceM * 0.03).toFixed(1);
      chunks.push(
        [
          sentence(`GPGGA,${hms},${lat},${ns},${lon},${ew},1,09,0.8,${alt},M,-20.0,M,,`),
          sentence('GPGSA,A,3,02,05,07,09,13,16,20,26,29,,,,1.5,0.8,1.3'),
          sentence('GPGSV,3,1,11,02,65,045,44,05,48,120,42,07,33,200,40,09,21,310,38'),
          sentence('GPGSV,3,2,11,13,58,250,43,16,15,080,35,20,40,160,41,26,27,020,39'),
          sentence('GPGSV,3,3,11,29,72,300,45,30,08,100,,31,05,190,'),
          sentence(
            `GPRMC,${hms},A,${lat},${ns},${lon},${ew},${knots.toFixed(2)},${s.headingDeg.toFixed(1)},${dmy},,,A`,
          ),
        ].join(''),
      );
    }
    return `#Delay-Cookie: @ 0.99\n${chunks.join('@')}`;
  }
}

function segmentAt(distance: number): [number, number, number] {
  const lap = ROAD.reduce((n, s) => n + s[0], 0);
  let d = distance % lap;
  for (const seg of ROAD) {
    if (d < seg[0]) return seg;
    d -= seg[0];
  }
  return ROAD[0]!;
}

/** NMEA ddmm.mmmmm / dddmm.mmmmm and hemisphere. */
function dm(v: number, degDigits: number, pos: string, neg: string): [string, string] {
  const a = Math.abs(v);
  const d = Math.floor(a);
  const m = (a - d) * 60;
  return [`${String(d).padStart(degDigits, '0')}${m.toFixed(5).padStart(8, '0')}`, v >= 0 ? pos : neg];
}

function sentence(body: string): string {
  let sum = 0;
  for (const ch of body) sum ^= ch.charCodeAt(0);
  return `$${body}*${sum.toString(16).toUpperCase().padStart(2, '0')}\r\n`;
}

function p2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Great-circle distance in metres. */
export function metresBetween(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const h =
    Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lon - a.lon) * rad) / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}
