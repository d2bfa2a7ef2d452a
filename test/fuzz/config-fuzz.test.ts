import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../daemon/config/load.js';
import { manifestModelCatalog } from '../../daemon/config/model-catalog.js';
import { runCli } from '../../daemon/cli/main.js';
import { ConfigError } from '../../daemon/shared/errors.js';
import { DAEMON_NODE_FLAGS } from '../../daemon/shared/node-flags.js';
import { BIN, ROOT } from '../helpers/daemon.js';
import { fakeIo } from '../policy/fixture.js';
import { fuzzSeed, type Mutation, mutate, Rng, TEXT_MUTATIONS } from './mutate.js';

/** Seeded mutations of real configs through the loader, check-config in-process, and the real CLI and daemon. */

const SECRETS = { CAM_EAST_PASSWORD: 'x', MQTT_PASSWORD: 'y', CAM_PASS: 'z' };
const CASES = 300;

const bases: Record<string, string> = {
  example: readFileSync(join(ROOT, 'config', 'alpr-edge.example.yaml'), 'utf8'),
  minimal: `unit:\n  id: unit-1\ncameras:\n  - id: east\n    name: East\n    url: rtsp://alpr:\${CAM_PASS}@10.0.0.5/stream\n    fps: 5\n    location: { lat: 39.74, lon: -105.51 }\n`,
  hotlists: `unit: { id: u2 }\nstorage: { path: /tmp/x }\ncameras:\n  - { id: road, name: Road, url: /dev/null, location: { lat: 39.74, lon: -105.51 } }\nhotlists:\n  sources:\n    - { id: cbi, format: csv, file: /tmp/list.csv }\nmqtt:\n  enabled: true\n  url: mqtts://broker:8883\n  password: \${MQTT_PASSWORD}\nvision:\n  reader: plate-rec-v10\n`,
};

let bombs = 0;
/** A "billion laughs" under a fresh key (anchors are per document, so each gets its own names). */
function aliasBomb(): string {
  const k = `b${bombs++}x`;
  let s = `${k}0: &${k}0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n`;
  for (let i = 1; i <= 8; i++)
    s += `${k}${i}: &${k}${i} [${Array(9)
      .fill(`*${k}${i - 1}`)
      .join(',')}]\n`;
  return s;
}

const valueOn = (f: (r: Rng) => string): Mutation['apply'] => {
  return (b, r) => {
    const ls = b.toString('utf8').split('\n');
    const withValue = ls.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[\w-]+:\s*\S/.test(l));
    if (!withValue.length) return b;
    const [line, i] = r.pick(withValue);
    ls[i] = line.replace(/^(\s*[\w-]+:\s*).*$/, `$1${f(r)}`);
    return Buffer.from(ls.join('\n'));
  };
};

const CONFIG_MUTATIONS: Mutation[] = [
  ...TEXT_MUTATIONS,
  {
    name: 'type swap',
    apply: valueOn((r) =>
      r.pick(['true', '[]', '{}', '"text"', '-1', '0x1F', '.nan', '~', '[1, [2, {a: 3}]]', '2026-11-01']),
    ),
  },
  { name: 'huge number', apply: valueOn((r) => r.pick(['1e400', '-1e400', '99999999999999999999999', '1e-400'])) },
  { name: 'long string', apply: valueOn((r) => 'x'.repeat(r.pick([300, 20_000, 200_000]))) },
  { name: 'alias bomb', apply: (b, r) => Buffer.from(r.int(2) ? `${aliasBomb()}${b}` : `${b}\n${aliasBomb()}`) },
  {
    name: 'deep nesting',
    apply: (b, r) => {
      const n = r.pick([10, 40, 5_000]);
      return Buffer.from(`${b}\ndeep: ${'['.repeat(n)}${']'.repeat(n)}\n`);
    },
  },
  {
    name: 'unknown key',
    apply: (b, r) => Buffer.from(`${b}\n${r.pick(['colour', 'unti', 'Unit', '"\\u0000k"'])}: 1\n`),
  },
  {
    name: 'indent shift',
    apply: (b, r) => {
      const ls = b.toString('utf8').split('\n');
      const i = r.int(ls.length);
      ls[i] = r.int(2) ? ` ${ls[i]}` : ls[i]!.replace(/^ /, '');
      return Buffer.from(ls.join('\n'));
    },
  },
  {
    name: 'unknown model',
    apply: (b, r) =>
      Buffer.from(
        `${b}\nvision:\n  ${r.pick(['detector', 'reader', 'plate_syntax'])}: ${r.pick(['"NaN"', 'plate-det-v1', 'x'.repeat(5000)])}\n`,
      ),
  },
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('mutated config files', () => {
  const seed = fuzzSeed();
  let dir: string;
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cfg-fuzz-'));
    for (const [k, v] of Object.entries(SECRETS)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it(`load or are refused with FILE:LINE problems, and check-config exits 0 or 78 (seed ${seed}, ${CASES} cases)`, async () => {
    const r = new Rng(seed);
    const names = Object.keys(bases);
    const outcomes = { accepted: 0, refused: 0 };
    for (let i = 0; i < CASES; i++) {
      const base = r.pick(names);
      const { bytes, applied } = mutate(Buffer.from(bases[base]!), r, CONFIG_MUTATIONS);
      const file = join(dir, `case-${i}.yaml`);
      writeFileSync(file, bytes);
      const where = `seed ${seed} case ${i} (${base}: ${applied.join(', ')}; FUZZ_SEED=${seed} to rerun)`;
      const line = new RegExp(`^${escapeRe(file)}:\\d+[: ]`);

      let loaded: boolean;
      try {
        loadConfigFile(file, { get: (n) => SECRETS[n as keyof typeof SECRETS] }, { models: manifestModelCatalog });
        loaded = true;
      } catch (err) {
        if (!(err instanceof ConfigError)) throw new Error(`${where}: ${(err as Error).stack}`);
        for (const p of err.problems) if (!line.test(p)) throw new Error(`${where}: problem without FILE:LINE: ${p}`);
        loaded = false;
      }

      const io = fakeIo();
      const code = await runCli(['check-config', file], io);
      if (code !== (loaded ? 0 : 78))
        throw new Error(`${where}: check-config exited ${code}: ${[...io.lines, ...io.errors].join('\n')}`);
      for (const p of io.errors)
        if (!line.test(p)) throw new Error(`${where}: check-config line without FILE:LINE: ${p}`);
      if (loaded) outcomes.accepted++;
      else outcomes.refused++;
    }
    // The mutations are not all fatal: the fuzz also covers configs that still load.
    expect(outcomes.accepted).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(CASES / 2);
  }, 120_000);

  it('the real CLI and daemon exit 0 or 78 on a handful of them, every problem line FILE:LINE, no stack trace', () => {
    const files: Record<string, Buffer | string> = {
      'bomb.yaml': `${bases.minimal}${aliasBomb()}`,
      'empty.yaml': '',
      'nul.yaml': Buffer.from(`${bases.minimal}  \u0000\n`),
      'latin1.yaml': Buffer.concat([Buffer.from(bases.minimal!), Buffer.from([0xe9, 0x0a])]),
      'model.yaml': `${bases.minimal}vision:\n  reader: "NaN"\n`,
      'good.yaml': bases.minimal!,
    };
    const run = (args: string[]) =>
      spawnSync(process.execPath, [...DAEMON_NODE_FLAGS, BIN, ...args], {
        cwd: ROOT,
        env: { ...process.env, ...SECRETS, NOTIFY_SOCKET: '' },
        encoding: 'utf8',
        timeout: 60_000,
      });
    for (const [name, content] of Object.entries(files)) {
      const file = join(dir, name);
      writeFileSync(file, content);
      if (name === 'empty.yaml') continue;
      const line = new RegExp(`^${escapeRe(file)}:\\d+[: ]`);
      const check = run(['check-config', file]);
      expect({ name, status: check.status }).toEqual({ name, status: name === 'good.yaml' ? 0 : 78 });
      for (const l of check.stderr.split('\n').filter(Boolean))
        expect({ name, l, ok: line.test(l) }).toEqual({ name, l, ok: true });
    }
    // The daemon itself: exit 78 (systemd's RestartPreventExitStatus), not a crash into a restart loop.
    for (const name of ['bomb.yaml', 'empty.yaml']) {
      const file = join(dir, name);
      const d = run(['run', '--config', file]);
      expect({ name, status: d.status }).toEqual({ name, status: 78 });
      const problems = d.stderr.split('\n').filter((l) => l && !l.startsWith('alpr-edge: refusing to start'));
      expect(problems.length).toBeGreaterThan(0);
      for (const l of problems)
        expect({ name, l, ok: new RegExp(`^${escapeRe(file)}:\\d+[: ]`).test(l) }).toEqual({ name, l, ok: true });
      expect(d.stderr).not.toMatch(/\n\s+at /);
    }
  }, 180_000);
});
