/**
 * Builds the in-car / dispatch page (web/) into dist/web with esbuild: index.html, app.js,
 * app.css and the live-view player as a chunk loaded on demand. `npm install` runs it (the
 * `prepare` script), so the daemon finds the page after an install; tests call ensureWebBundle(),
 * which rebuilds only when a source file changed since the last build.
 *
 * `npx tsx scripts/build-web.ts` builds and prints each file's size, minified and gzipped.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

const root = join(import.meta.dirname, '..');
export const WEB_SOURCE = join(root, 'web');
export const WEB_OUT = join(root, 'dist', 'web');
const BUILD_INFO = 'build-info.json';
/** Copied as they are. */
const STATIC_FILES = ['index.html', 'favicon.svg'];

export interface BundleFile {
  /** Path inside the output folder, e.g. `app.js`. */
  name: string;
  bytes: number;
  gzipBytes: number;
  /** Loaded with the page (false: the live-view chunk, fetched when a live view opens). */
  initial: boolean;
}

/**
 * @cycjimmy/jsmpeg-player injects a <style> element for its VideoElement wrapper as soon as it is
 * imported, which a CSP without 'unsafe-inline' refuses (a console error on every live view). The
 * page uses only JSMpeg.Player with its own canvas, so the injection is removed; the build fails
 * if a new version of the package no longer matches, so the change is looked at.
 */
const dropPlayerStyleInjection: Plugin = {
  name: 'drop-jsmpeg-style-injection',
  setup(b) {
    b.onLoad({ filter: /jsmpeg-player[\\/]dist[\\/]jsmpeg-player\.esm\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const call = 'styleInject(css_248z);';
      if (!text.includes(call)) {
        throw new Error(
          `${args.path}: "${call}" not found; check whether this version of the player still injects a <style> element`,
        );
      }
      return { contents: text.replace(call, ''), loader: 'js' };
    });
  },
};

/** Builds the page into `outdir` (replacing what was there) and returns its files with their sizes. */
export async function buildWeb(outdir = WEB_OUT): Promise<BundleFile[]> {
  const staging = `${outdir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: { app: join(WEB_SOURCE, 'src', 'main.tsx') },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: 'esm',
    chunkNames: 'chunks/[name]-[hash]',
    minify: true,
    target: ['chrome100', 'firefox100', 'safari15'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(WEB_SOURCE, 'tsconfig.json'),
    metafile: true,
    logLevel: 'silent',
    plugins: [dropPlayerStyleInjection],
  });
  for (const f of STATIC_FILES) copyFileSync(join(WEB_SOURCE, f), join(staging, f));
  const inputs = Object.keys(result.metafile.inputs).map((p) => join(root, p));
  inputs.push(...STATIC_FILES.map((f) => join(WEB_SOURCE, f)), join(root, 'scripts', 'build-web.ts'));
  const initial = new Set([...STATIC_FILES, 'app.js', 'app.css']);
  const files = listFiles(staging).map((name): BundleFile => {
    const data = readFileSync(join(staging, name));
    return { name, bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length, initial: initial.has(name) };
  });
  const info = { built_at: new Date().toISOString(), inputs: inputs.map((p) => relative(root, p)), files };
  writeJson(join(staging, BUILD_INFO), info);
  // Swap the finished build in whole, so a server never serves half of one.
  mkdirSync(dirname(outdir), { recursive: true });
  const old = `${outdir}.old-${process.pid}`;
  if (existsSync(outdir)) renameSync(outdir, old);
  renameSync(staging, outdir);
  rmSync(old, { recursive: true, force: true });
  return files;
}

/** True when `outdir` holds a build newer than every file it was built from. */
export function webBundleIsCurrent(outdir = WEB_OUT): boolean {
  const infoPath = join(outdir, BUILD_INFO);
  if (!existsSync(infoPath)) return false;
  let inputs: string[];
  try {
    inputs = (JSON.parse(readFileSync(infoPath, 'utf8')) as { inputs: string[] }).inputs;
  } catch {
    return false;
  }
  const builtAt = statSync(infoPath).mtimeMs;
  // A new file under web/src is not among the inputs yet; the folder's own time shows it.
  const watched = [...inputs.map((p) => join(root, p)), ...listDirs(join(WEB_SOURCE, 'src'))];
  return watched.every((p) => existsSync(p) && statSync(p).mtimeMs <= builtAt);
}

/** Builds the page unless the build in `outdir` is current; returns `outdir`. */
export async function ensureWebBundle(outdir = WEB_OUT): Promise<string> {
  if (!webBundleIsCurrent(outdir)) await buildWeb(outdir);
  return outdir;
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

function listDirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return [
    dir,
    ...readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .flatMap((e) => listDirs(join(dir, e.name))),
  ];
}

function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function describeSizes(files: BundleFile[]): string {
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const rows = files
    .filter((f) => !STATIC_FILES.includes(f.name))
    .map((f) => `  ${f.name.padEnd(34)} ${kb(f.bytes).padStart(10)} ${kb(f.gzipBytes).padStart(10)} gzipped`);
  const sum = (fs: BundleFile[], k: 'bytes' | 'gzipBytes') => fs.reduce((s, f) => s + f[k], 0);
  const js = (f: BundleFile) => /\.(js|css)$/.test(f.name);
  const first = files.filter((f) => f.initial && js(f));
  const all = files.filter(js);
  return [
    ...rows,
    `  page (app.js + app.css)            ${kb(sum(first, 'bytes')).padStart(10)} ${kb(sum(first, 'gzipBytes')).padStart(10)} gzipped`,
    `  all JS + CSS (with live view)      ${kb(sum(all, 'bytes')).padStart(10)} ${kb(sum(all, 'gzipBytes')).padStart(10)} gzipped`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const files = await buildWeb();
  console.log(`built the page into ${relative(process.cwd(), WEB_OUT) || '.'}:\n${describeSizes(files)}`);
}
