import { haversineM } from '../access/read-queries.js';
import type { Fix } from './fix.js';
import { FixTrack } from './fix-track.js';

const T0 = Date.UTC(2026, 10, 28, 14);
/** A car driving due east at 20 m/s; one fix a second. */
const east = (s: number, over: Partial<Fix> = {}): Fix => ({
  time: T0 + s * 1000,
  lat: 39.7422,
  lon: -105.5136 + (20 * s) / (111_320 * Math.cos((39.7422 * Math.PI) / 180)),
  accuracyM: 4,
  speedMps: 20,
  headingDeg: 90,
  mode: '3d',
  ...over,
});
const truth = (s: number) => east(s);

describe('the position at a read time', () => {
  it('interpolates between the fixes around the read, with the age of the nearest', () => {
    const track = new FixTrack();
    for (let s = 0; s <= 5; s++) track.add(east(s));
    const { position, status } = track.locate(T0 + 2300, 5000);
    expect(status).toBe('ok');
    expect(haversineM(position!.lat, position!.lon, truth(2.3).lat, truth(2.3).lon)).toBeLessThan(0.05);
    expect(position).toMatchObject({ source: 'gps', fixMode: '3d', fixAgeS: 0.3, speedMps: 20, headingDeg: 90 });
  });

  it('dead-reckons a read made after the newest fix along its course, up to max_fix_age_s', () => {
    const track = new FixTrack();
    track.add(east(0));
    track.add(east(1));
    const ahead = track.locate(T0 + 2600, 5000);
    expect(ahead.status).toBe('ok');
    expect(haversineM(ahead.position!.lat, ahead.position!.lon, truth(2.6).lat, truth(2.6).lon)).toBeLessThan(0.1);
    expect(ahead.position!.fixAgeS).toBe(1.6);
    expect(track.locate(T0 + 6500, 5000)).toEqual({ position: null, status: 'stale' });
  });

  it('keeps an outage going when the receiver stamps its fixes ahead of the unit clock', () => {
    // gpsd goes away at T0 + 5000 by the unit's clock; the receiver's clock ran 700 ms ahead, so
    // its newest fix says T0 + 5700. Nothing after the outage began may read as a fresh fix.
    const track = new FixTrack();
    for (let s = 0; s <= 5; s++) track.add(east(s + 0.7));
    track.markNoFix(T0 + 5000);
    for (const t of [5800, 6500, 9000]) expect(track.locate(T0 + t, 5000).status).toBe('no_fix');
    // The fixes received before the outage still place reads up to the newest of them.
    for (const t of [4500, 5000, 5600]) expect(track.locate(T0 + t, 5000).status).toBe('ok');
  });

  it('says no_fix before the first fix, and from a no-fix report or a lost gpsd until the next fix', () => {
    const track = new FixTrack();
    expect(track.locate(T0, 5000)).toEqual({ position: null, status: 'no_fix' });
    track.add(east(0));
    track.add(east(1));
    track.markNoFix(T0 + 1500);
    track.markNoFix(T0 + 2500);
    expect(track.locate(T0 + 1200, 5000).status).toBe('ok');
    expect(track.locate(T0 + 1600, 5000)).toEqual({ position: null, status: 'no_fix' });
    expect(track.locate(T0 + 3000, 5000).status).toBe('no_fix');
    track.add(east(9));
    track.add(east(10));
    expect(track.locate(T0 + 9500, 5000).status).toBe('ok');
    // The outage stays on record for reads made during it and finalised later.
    expect(track.locate(T0 + 4000, 5000).status).toBe('no_fix');
  });

  it('takes the worse mode and the larger error of two fixes, and turns the short way through north', () => {
    const track = new FixTrack();
    track.add(east(0, { headingDeg: 350, accuracyM: 3, mode: '3d' }));
    track.add(east(1, { headingDeg: 10, accuracyM: 9, mode: '2d' }));
    const { position } = track.locate(T0 + 500, 5000);
    expect(position).toMatchObject({ headingDeg: 0, accuracyM: 9, fixMode: '2d' });
  });

  it('keeps fixes in time order when one arrives late, and forgets old history', () => {
    const track = new FixTrack(60_000);
    track.add(east(0));
    track.add(east(2));
    track.add(east(1));
    expect(track.locate(T0 + 1500, 5000).position!.fixAgeS).toBe(0.5);
    for (let s = 3; s <= 200; s++) track.add(east(s));
    expect(track.locate(T0 + 10_000, 5000).status).toBe('no_fix');
    expect(track.locate(T0 + 190_500, 5000).status).toBe('ok');
  });
});
