import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../shared/errors.js';
import { parseConfigText } from './load.js';

const noSecrets = { get: () => 'x' };

function problems(text: string): string[] {
  try {
    parseConfigText(text, 'car.yaml', noSecrets);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('config was accepted');
}

const car = `unit:
  id: car-212
  mobile: true
gps:
  port: 2947
cameras:
  - id: front
    name: Front
    url: rtsp://10.0.0.5/s
    mount: front
`;

describe('patrol-car and fixed units in the config', () => {
  it('accepts a patrol car with gpsd and mounted cameras, with gpsd defaults', () => {
    const c = parseConfigText(car, 'car.yaml', noSecrets);
    expect(c.unit.mobile).toBe(true);
    expect(c.gps).toEqual({ host: '127.0.0.1', port: 2947, max_fix_age_s: 5 });
    expect(c.cameras[0]!.mount).toBe('front');
  });

  it('refuses a patrol car without gps, pointing at unit.mobile', () => {
    expect(problems(car.replace('gps:\n  port: 2947\n', ''))).toEqual([
      'car.yaml:3 unit.mobile: a patrol-car unit (mobile: true) needs a top-level gps: section naming its gpsd (host, port), or set mobile: false (got true)',
    ]);
  });

  it('refuses coordinates or a missing mount on a patrol-car camera, by line', () => {
    const bad = car.replace('    mount: front\n', '    location: { text: Car 212, lat: 39.74, lon: -105.51 }\n');
    expect(problems(bad)).toEqual([
      'car.yaml:10 cameras[0].location.lat: a camera on a patrol car (unit.mobile: true) is located by GPS: remove location.lat and give mount instead (got 39.74)',
      'car.yaml:10 cameras[0].location.lon: a camera on a patrol car (unit.mobile: true) is located by GPS: remove location.lon and give mount instead (got -105.51)',
      'car.yaml:7 cameras[0].mount: a camera on a patrol car (unit.mobile: true) needs mount: front, rear, left or right',
    ]);
  });

  it('refuses a fixed camera without coordinates, a mount on a fixed unit, and gps on a fixed unit', () => {
    const fixed = car.replace('  mobile: true\n', '');
    const [gps, ...cameras] = problems(fixed);
    // The gps: key is on line 3, its value on line 4.
    expect(gps).toMatch(
      /^car\.yaml:[34] gps: gps is read only on a patrol-car unit: set unit\.mobile: true, or remove the gps section/,
    );
    expect(cameras).toEqual([
      'car.yaml:9 cameras[0].mount: mount is for cameras on a patrol car (unit.mobile: true); a camera on a fixed unit gives location.lat and location.lon (got "front")',
      'car.yaml:6 cameras[0].location: a camera on a fixed unit needs location.lat and location.lon (WGS84 degrees) so its reads can be found by a canvass; on a patrol car set unit.mobile: true',
    ]);
  });

  it('ships a commented patrol-car example in the generated example config that loads as written', () => {
    const file = fileURLToPath(new URL('../../config/alpr-edge.example.yaml', import.meta.url));
    const text = readFileSync(file, 'utf8');
    const start = text.indexOf('# unit:\n#   id: car-212');
    expect(start).toBeGreaterThan(0);
    const uncommented = text
      .slice(start)
      .split('\n')
      .map((l) => l.replace(/^# ?/, ''))
      .join('\n');
    const c = parseConfigText(uncommented, 'example-car.yaml', noSecrets);
    expect(c.unit.mobile).toBe(true);
    expect(c.cameras.map((x) => x.mount)).toEqual(['front', 'left']);
  });
});
