import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, parseConfigText, type SecretSource } from './load.js';
import { ConfigError } from '../shared/errors.js';
import { renderConfigFiles } from './json-schema.js';

const secrets = (values: Record<string, string>): SecretSource => ({ get: (n) => values[n] });
const none = secrets({});

const good = `
unit:
  id: unit-1
cameras:
  - id: east
    name: East
    url: rtsp://alpr:\${CAM_PASS}@10.0.0.5/stream
    fps: 5
    location: { lat: 39.74, lon: -105.51 }
`;

function problems(text: string, s: SecretSource = secrets({ CAM_PASS: 'pw' })): string[] {
  try {
    parseConfigText(text, 'unit.yaml', s);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('config was accepted');
}

describe('config loading', () => {
  it('accepts a minimal file, fills defaults and expands secrets from the environment', () => {
    const c = parseConfigText(good, 'unit.yaml', secrets({ CAM_PASS: 's3cret' }));
    expect(c.cameras[0]!.url).toBe('rtsp://alpr:s3cret@10.0.0.5/stream');
    expect(c.cameras[0]!.width).toBe(1280);
    expect(c.storage.path).toBe('/var/lib/alpr-edge');
    expect(c.vision.reader).toBe('plate-rec-v10');
    expect(c.vision.plate_syntax).toBe('plate-syntax-us');
  });

  it('reads a secret from the systemd credentials folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cred-'));
    writeFileSync(join(dir, 'CAM_PASS'), 'fromcred\n');
    const old = process.env.CREDENTIALS_DIRECTORY;
    process.env.CREDENTIALS_DIRECTORY = dir;
    try {
      const file = join(dir, 'c.yaml');
      writeFileSync(file, good);
      expect(loadConfigFile(file).cameras[0]!.url).toContain('alpr:fromcred@');
    } finally {
      if (old === undefined) delete process.env.CREDENTIALS_DIRECTORY;
      else process.env.CREDENTIALS_DIRECTORY = old;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the line and key of an unknown key', () => {
    expect(problems(good.replace('    fps: 5', '    fps: 5\n    fsp: 7'))).toEqual([
      'unit.yaml:9 cameras[0].fsp: unknown key (check spelling; see config/alpr-edge.example.yaml)',
    ]);
  });

  it('names the line, key and value of a wrong type', () => {
    const [p] = problems(good.replace('fps: 5', 'fps: fast'));
    expect(p).toMatch(/^unit\.yaml:8 cameras\[0\]\.fps: .*number.*\(got "fast"\)$/);
  });

  it('rejects a URL of an unsupported kind', () => {
    const [p] = problems(good.replace('rtsp://alpr:${CAM_PASS}@10.0.0.5/stream', 'ftp://cam/1'));
    expect(p).toMatch(/^unit\.yaml:7 cameras\[0\]\.url: must be an rtsp:\/\//);
  });

  it('rejects a duplicate camera id, pointing at the second one', () => {
    const twice = `${good}  - id: east\n    name: Again\n    url: rtsp://10.0.0.6/s\n    location: { lat: 39.7, lon: -105.5 }\n`;
    expect(problems(twice)).toEqual([
      'unit.yaml:10 cameras[1].id: duplicate camera id "east" (also cameras[0]) (got "east")',
    ]);
  });

  it('reports every problem at once, not only the first', () => {
    const bad = good.replace('fps: 5', 'fps: 500').replace('id: unit-1', 'id: Unit 1\n  colour: red');
    expect(problems(bad)).toHaveLength(3);
  });

  it('says which secret is missing, without printing any secret value', () => {
    const ps = problems(good, none);
    expect(ps).toEqual([
      'unit.yaml:7 cameras[0].url: ${CAM_PASS} is not set in the environment or in systemd credentials',
    ]);
  });

  it('never echoes a password that is written into a URL', () => {
    const [p] = problems(good.replace('${CAM_PASS}', 'hunter2').replace('fps: 5', 'fps: -1'));
    expect(p).not.toContain('hunter2');
  });

  it('reports YAML syntax errors with their line', () => {
    expect(problems('unit:\n  id: [unclosed\n')[0]).toMatch(/^unit\.yaml:[23]: YAML syntax/);
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadConfigFile('/nonexistent/alpr.yaml')).toThrow(/\/nonexistent\/alpr\.yaml: cannot read config/);
  });
});

describe('generated config files', () => {
  it('are up to date with the schema (run `npm run schema` when this fails)', () => {
    for (const [name, text] of Object.entries(renderConfigFiles())) {
      const committed = readFileSync(fileURLToPath(new URL(`../../config/${name}`, import.meta.url)), 'utf8');
      expect({ name, text: committed }).toEqual({ name, text });
    }
  });

  it('include an example that loads and documents every camera key', () => {
    const file = fileURLToPath(new URL('../../config/alpr-edge.example.yaml', import.meta.url));
    const c = loadConfigFile(file, secrets({ CAM_EAST_PASSWORD: 'x', MQTT_PASSWORD: 'y' }));
    expect(c.cameras).toHaveLength(1);
    const text = readFileSync(file, 'utf8');
    for (const key of ['fps', 'width', 'height', 'roi', 'location', 'lat', 'lon', 'stall_timeout_s'])
      expect(text).toContain(`${key}:`);
  });
});
