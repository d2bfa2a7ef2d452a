import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, ModelError } from '../shared/errors.js';
import { defaultModelsDir, loadManifest, verifyModel } from './manifest.js';
import { loadSyntax, resolveSyntax } from './model-registry.js';
import { PlateSyntax, loadPlateSyntax, plateShape } from './plate-syntax.js';
import { withTempDir } from '../../test/helpers/model-files.js';

const counts = new PlateSyntax({
  name: 't',
  shapes: { DDDLLL: 60, LLLDDDD: 30, DLLLDDD: 10 },
  states: { CA: { DLLLDDD: 9, LLLDDDD: 1 } },
});

describe('plate syntax prior', () => {
  it('names each character digit or letter', () => {
    expect(plateShape('1ABC234')).toBe('DLLLDDD');
    expect(plateShape('O02HHM')).toBe('LDDLLL');
  });

  it('makes a shape real plates have far likelier than its look-alike misread, and is a distribution: all shapes up to 14 characters hold nearly all its mass', () => {
    expect(counts.probability('002HHM') / counts.probability('O02HHM')).toBeGreaterThan(20);
    // A shape never counted still gets a small probability (a vanity plate stays readable).
    expect(counts.probability('KCS1M')).toBeGreaterThan(0);
    let total = 0;
    for (let len = 1; len <= 14; len++)
      for (let m = 0; m < 1 << len; m++)
        total += counts.probability([...Array(len)].map((_, i) => ((m >> i) & 1 ? 'A' : '1')).join(''));
    expect(total).toBeGreaterThan(0.95);
    expect(total).toBeLessThanOrEqual(1.0001);
  });

  it("leans on the state's own shapes when the state is known", () => {
    // Overall ABC1234 is three times as common as 1ABC234; in California it is the other way round.
    expect(counts.probability('ABC1234')).toBeGreaterThan(counts.probability('1ABC234'));
    expect(counts.probability('1ABC234', 'CA')).toBeGreaterThan(counts.probability('ABC1234', 'CA'));
    // A state with no counts falls back to the overall distribution.
    expect(counts.probability('ABC1234', 'TX')).toBe(counts.probability('ABC1234'));
  });

  it('refuses a malformed file, naming it', async () => {
    await withTempDir('alpr-syntax-', async (dir) => {
      const f = join(dir, 'syntax.json');
      await writeFile(f, '{"name": "x", "shapes": {"DX": 3}, "states": {}}');
      expect(() => loadPlateSyntax(f)).toThrow(ModelError);
      expect(() => loadPlateSyntax(f)).toThrow(f);
      await writeFile(f, 'not json');
      expect(() => loadPlateSyntax(f)).toThrow(/syntax\.json/);
      expect(() => loadPlateSyntax(join(dir, 'missing.json'))).toThrow(ModelError);
    });
  });

  it('the bundled plate-syntax-us is in the manifest, matches its checksum, and favours the shapes of real US plates', async () => {
    const manifest = await loadManifest(defaultModelsDir());
    const entry = resolveSyntax(manifest, 'plate-syntax-us')!;
    await verifyModel(entry);
    const us = loadSyntax(manifest, 'plate-syntax-us')!;
    expect(us.probability('123ABC')).toBeGreaterThan(10 * us.probability('I23ABC'));
    expect(us.probability('P123456')).toBeGreaterThan(10 * us.probability('P12B456'));
    expect(us.probability('7ABC123', 'CA')).toBeGreaterThan(us.probability('7ABC123'));
  });

  it('vision.plate_syntax: none means no prior; an unknown or wrong-kind name is a config error listing the choices', async () => {
    const manifest = await loadManifest(defaultModelsDir());
    expect(loadSyntax(manifest, 'none')).toBeUndefined();
    expect(() => resolveSyntax(manifest, 'plate-syntax-xx')).toThrow(ConfigError);
    expect(() => resolveSyntax(manifest, 'plate-syntax-xx')).toThrow(/available: plate-syntax-us, none/);
    expect(() => resolveSyntax(manifest, 'plate-rec-v3')).toThrow(/is a reader/);
  });
});
