import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile, parseConfigText, type SecretSource } from './load.js';
import { manifestModelCatalog } from './model-catalog.js';
import type { ModelCatalog } from './model-names.js';
import { ConfigError } from '../shared/errors.js';
import { runCli } from '../cli/main.js';
import { fakeIo } from '../../test/policy/fixture.js';

const secrets: SecretSource = { get: () => 'pw' };

const good = `unit: { id: unit-1 }
cameras:
  - id: east
    name: East
    url: rtsp://10.0.0.5/stream
    location: { lat: 39.74, lon: -105.51 }
`;

/** A "billion laughs" document: nine aliases of nine aliases of ..., 9^9 strings once expanded. */
function aliasBomb(): string {
  let s = 'bombs:\n  bomb0: &b0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  for (let i = 1; i <= 8; i++)
    s += `  bomb${i}: &b${i} [${Array(9)
      .fill(`*b${i - 1}`)
      .join(',')}]\n`;
  return s;
}

const catalog: ModelCatalog = {
  choices: () => ({
    manifest: 'models/manifest.yaml',
    kinds: new Map([
      ['det-a', 'detector'],
      ['rec-a', 'reader'],
      ['syn-a', 'syntax'],
    ] as const),
    detector: ['det-a'],
    reader: ['rec-a'],
    syntax: ['syn-a'],
  }),
};

function problems(text: string, models?: ModelCatalog): string[] {
  try {
    parseConfigText(text, 'unit.yaml', secrets, models ? { models } : {});
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('config was accepted');
}

describe('a config file that cannot be used', () => {
  it('is refused with its line when YAML aliases expand without bound (alias bomb)', () => {
    const ps = problems(`${good}${aliasBomb()}`);
    expect(ps).toEqual([expect.stringMatching(/^unit\.yaml:9: YAML aliases: .*write the values out/)]);
  });

  it('is refused at line 1 when empty or only comments', () => {
    expect(problems('')).toEqual([expect.stringMatching(/^unit\.yaml:1: the file is empty/)]);
    expect(problems('# unit:\n#   id: x\n\n')).toEqual([expect.stringMatching(/^unit\.yaml:1: the file is empty/)]);
  });

  it('is called "not an alpr-edge config" without quoting it when it holds no config keys', () => {
    const shadow = 'root:$6$s4lt$H4shH4shH4sh:19700:0:99999:7:::\ndeputy:$6$pepper$Z9Z9Z9:19700:0:99999:7:::\n';
    const ps = problems(shadow);
    expect(ps).toEqual([
      expect.stringMatching(
        /^unit\.yaml:1: not an alpr-edge config: 2 of its 2 top-level key\(s\) are not config keys \(expected keys such as unit, cameras/,
      ),
    ]);
    expect(ps.join('\n')).not.toMatch(/H4sh|pepper|deputy|root/);
    expect(problems('- a\n- b\n')).toEqual([expect.stringMatching(/^unit\.yaml:1: not an alpr-edge config: .*a list/)]);
    expect(problems('just some words\nover two lines\n')[0]).toMatch(/^unit\.yaml:1: not an alpr-edge config: .*text/);
  });

  it('names an unknown key only when it looks like a config key, and quotes no text after a YAML error', () => {
    expect(problems(`${good}storage: |xSECRETx\n  a\n`)).toEqual([
      'unit.yaml:7: YAML syntax: Block scalar header includes extra characters',
    ]);
    const keys = problems(`${good}root:$6$s4lt$H4shH4sh: 19700\nstorge: { path: /x }\n`);
    expect(keys).toEqual([
      'unit.yaml:7 <key not shown>: unknown key (config keys are lower_snake_case; see config/alpr-edge.example.yaml)',
      'unit.yaml:8 storge: unknown key (check spelling; see config/alpr-edge.example.yaml)',
    ]);
  });

  it('quotes an unknown key or a bad value only short and escaped', () => {
    const long = 'v'.repeat(20_000);
    const ps = problems(
      `${good}  - id: west\n    name: ${long}\n    url: ftp://x/${long}\n    "a\\u0007b${'k'.repeat(900)}": 1\n    location: { lat: 39.7, lon: -105.5 }\n`,
    );
    expect(ps).toHaveLength(2);
    for (const p of ps) {
      expect(p).toMatch(/^unit\.yaml:\d+ /);
      expect(p.length).toBeLessThan(400);
      expect(p).not.toContain('\u0007');
    }
  });

  it('is refused with the line of the first bad byte when it is not UTF-8 text or holds NUL bytes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    try {
      const latin1 = join(dir, 'latin1.yaml');
      writeFileSync(
        latin1,
        Buffer.concat([Buffer.from(`${good}  - id: west\n    name: Caf`), Buffer.from([0xe9, 0x0a])]),
      );
      expect(() => loadConfigFile(latin1, secrets)).toThrow(
        /latin1\.yaml:8: not UTF-8 text \(byte 0xE9 at column 14\)/,
      );
      expect(problems(`${good}# \u0000\u0001\u0002\n`)).toEqual([
        expect.stringMatching(/^unit\.yaml:7: control character U\+0000 at column 3: this is not a text file/),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is refused with its line when brackets nest without bound, and whatever else the parser hits', () => {
    expect(problems(`${good}x: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`)).toEqual([
      expect.stringMatching(/^unit\.yaml:7: lists or mappings in \[ \] \/ \{ \} nested more than 32 deep/),
    ]);
    expect(problems('unit: *nowhere\n')).toEqual([expect.stringMatching(/^unit\.yaml:1: /)]);
  });
});

describe('alpr-edge check-config on a file that is not a config', () => {
  // The shape of /etc/shadow: check-config may run with rights to read it (sudo, the service account).
  const shadow = [
    'root:$6$s4lt$H4shH4shH4shRootHash/.:19700:0:99999:7:::',
    'daemon:*:19700:0:99999:7:::',
    'deputy:$6$pepper$Z9Z9Z9DeputyHash:19700:0:99999:7:::',
    '',
  ].join('\n');
  const leaked = /H4sh|Hash|pepper|deputy|root|\$6\$/;

  it.each([
    ['a shadow file', shadow],
    ['a shadow file with one config key among its lines', `unit: { id: u }\n${shadow}`],
    ['shadow lines written as keys beside a config section', `cameras: []\nroot:$6$s4lt$H4sh: 1\ndeputy:$6$Z9: 2\n`],
  ])('says it is not one, naming no line of %s', async (_name, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    try {
      const file = join(dir, 'shadow');
      writeFileSync(file, text);
      const io = fakeIo();
      expect(await runCli(['check-config', file], io)).toBe(78);
      const said = [...io.lines, ...io.errors].join('\n');
      expect(said).toMatch(/not an alpr-edge config: .*expected keys such as unit, cameras/);
      expect(said.replaceAll(dir, 'DIR')).not.toMatch(leaked);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('model names in the config', () => {
  it('must be in the models manifest, of the right kind; the problem lists the choices', () => {
    const text = `${good}vision:\n  detector: rec-a\n  reader: "NaN"\n  plate_syntax: nope\n`;
    expect(problems(text, catalog)).toEqual([
      'unit.yaml:8 vision.detector: unknown detector "rec-a" (a reader in models/manifest.yaml, not a detector); choose one of: det-a',
      'unit.yaml:9 vision.reader: unknown reader "NaN" (not in models/manifest.yaml); choose one of: rec-a',
      'unit.yaml:10 vision.plate_syntax: unknown plate syntax "nope" (not in models/manifest.yaml); choose one of: syn-a, none',
    ]);
    const named = parseConfigText(
      `${good}vision: { detector: det-a, reader: rec-a, plate_syntax: none }\n`,
      'unit.yaml',
      secrets,
      { models: catalog },
    );
    expect(named.vision.reader).toBe('rec-a');
  });

  it('are checked against the real manifest, a 200,000-character name shown cut short', () => {
    const ps = problems(`${good}vision:\n  detector: ${'d'.repeat(200_000)}\n`, manifestModelCatalog);
    expect(ps).toHaveLength(1);
    expect(ps[0]).toMatch(
      /^unit\.yaml:8 vision\.detector: unknown detector "d+"… \(200,000 characters\) \(not in .*manifest\.yaml\); choose one of: .*plate-det-v1-text/,
    );
    expect(ps[0]!.length).toBeLessThan(400);
    expect(parseConfigText(good, 'unit.yaml', secrets, { models: manifestModelCatalog }).vision.detector).toBe(
      'plate-det-v1-text',
    );
  });
});

describe('alpr-edge check-config', () => {
  it('exits 78 with FILE:LINE problems on an alias bomb, a bad model name and an empty file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    try {
      const cases = {
        'bomb.yaml': `${good}${aliasBomb()}`,
        'model.yaml': `${good}vision:\n  reader: "NaN"\n`,
        'empty.yaml': '',
      };
      for (const [name, text] of Object.entries(cases)) {
        const file = join(dir, name);
        writeFileSync(file, text);
        const io = fakeIo();
        expect({ name, code: await runCli(['check-config', file], io) }).toEqual({ name, code: 78 });
        expect(io.errors.length).toBeGreaterThan(0);
        for (const line of io.errors)
          expect(line.startsWith(`${file}:`) && /^:\d+[: ]/.test(line.slice(file.length))).toBe(true);
      }
      const ok = join(dir, 'ok.yaml');
      writeFileSync(ok, good);
      const io = fakeIo();
      expect(await runCli(['check-config', ok], io)).toBe(0);
      expect(io.lines.join('\n')).toMatch(/OK — unit "unit-1", 1 camera/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('check-config on a dispatch console file', () => {
  it("checks dispatch.yaml against the console's schema: the shipped example passes, a 40-day retention is named with its line", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'alpr-dispatch-cfg-'));
    const saved = { u: process.env.MQTT_USERNAME, p: process.env.MQTT_PASSWORD };
    try {
      process.env.MQTT_USERNAME = 'dispatch';
      process.env.MQTT_PASSWORD = 'secret';
      const example = join(import.meta.dirname, '..', '..', 'config', 'dispatch.example.yaml');
      const io = fakeIo();
      expect(await runCli(['check-config', example], io)).toBe(0);
      expect(io.lines.join('\n')).toMatch(/OK — dispatch console "county-dispatch"/);

      const bad = join(dir, 'dispatch.yaml');
      writeFileSync(
        bad,
        'version: 1\nconsole:\n  id: county\nbroker:\n  url: mqtt://127.0.0.1:1883\n  client_id: x\nretention:\n  days: 40\n',
      );
      const io2 = fakeIo();
      expect(await runCli(['check-config', bad], io2)).toBe(78);
      expect(io2.errors).toEqual([`${bad}:8: retention.days: policy 424.4 allows at most 21 days (40)`]);
    } finally {
      process.env.MQTT_USERNAME = saved.u;
      process.env.MQTT_PASSWORD = saved.p;
      if (saved.u === undefined) delete process.env.MQTT_USERNAME;
      if (saved.p === undefined) delete process.env.MQTT_PASSWORD;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
