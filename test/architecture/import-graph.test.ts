import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGraph, findCircles, importsOf, sourceFiles, type ImportEdge } from './import-graph.js';

const root = join(import.meta.dirname, '..', '..');

/**
 * CLI files allowed to reach the database. None: the CLI is a client of the daemon's API (the
 * database belongs to the daemon). Kept as a list so the check below names a newcomer.
 */
const CLI_STORE_ALLOWED: readonly string[] = [];

/** Where SQL lives: only store/ prepares statements, sets pragmas or opens transactions on the driver. */
const SQL_ROOM = 'daemon/store/';

/** Source files (tests excluded) that talk SQL to the driver themselves: `.prepare(`, `.pragma(` or `.transaction(`. */
function sqlFiles(files: string[]): string[] {
  return files.filter((f) => /\.(prepare|pragma|transaction)\(/.test(readFileSync(join(root, f), 'utf8')));
}

/** Imports from the CLI that reach the data directly: the SQLite driver or the store room. */
function cliStoreImports(edges: ImportEdge[]): ImportEdge[] {
  return edges.filter(
    (e) =>
      e.from.startsWith('daemon/cli/') &&
      (e.specifier === 'better-sqlite3' ||
        e.specifier.startsWith('better-sqlite3/') ||
        e.to?.startsWith('daemon/store/')),
  );
}

describe('import graph of the daemon', () => {
  const files = sourceFiles(root);
  const edges = files.flatMap((f) => importsOf(root, f));

  it('reads the source files and their imports', () => {
    // Guards the checks below against passing on an empty graph.
    expect(files).toEqual(expect.arrayContaining(['daemon/main.ts', 'daemon/cli/main.ts', 'daemon/store/database.ts']));
    expect(files.some((f) => f.endsWith('.test.ts'))).toBe(false);
    expect(edges).toContainEqual({
      from: 'daemon/store/database.ts',
      specifier: 'better-sqlite3',
      to: undefined,
    });
  });

  it('has no import circles', () => {
    const circles = findCircles(buildGraph(edges, files)).map((c) => c.join(' → '));
    expect(circles).toEqual([]);
  });

  it('keeps the CLI away from the database: no better-sqlite3 or store/ import under cli/', () => {
    const offenders = cliStoreImports(edges)
      .filter((e) => !CLI_STORE_ALLOWED.includes(e.from))
      .map((e) => `${e.from} imports ${e.specifier}`);
    expect(offenders).toEqual([]);
  });

  it('keeps SQL in store/: no source file outside it prepares a statement, sets a pragma or opens a transaction', () => {
    const elsewhere = files.filter((f) => !f.startsWith(SQL_ROOM));
    // Guards against passing on an empty scan: the rooms that decide are scanned, and store/ does talk SQL.
    for (const room of ['daemon/access/', 'daemon/hotlist/', 'daemon/alerts/', 'daemon/retention/', 'daemon/pipeline/'])
      expect(elsewhere.some((f) => f.startsWith(room))).toBe(true);
    expect(sqlFiles(files)).toEqual(expect.arrayContaining(['daemon/store/hits.ts', 'daemon/store/transactions.ts']));
    expect(sqlFiles(elsewhere)).toEqual([]);
  });

  it('keeps store/ below the reading path: the read type is in store/, and store/ imports nothing from pipeline/', () => {
    // Guards against passing on an empty scan: pipeline/ does import the read type from store/.
    expect(edges).toContainEqual(
      expect.objectContaining({ from: 'daemon/pipeline/camera-pipeline.ts', to: 'daemon/store/plate-read.ts' }),
    );
    const offenders = edges
      .filter((e) => e.from.startsWith('daemon/store/') && e.to?.startsWith('daemon/pipeline/'))
      .map((e) => `${e.from} imports ${e.specifier}`);
    expect(offenders).toEqual([]);
  });

  it('keeps deciding apart from delivering: nothing under hotlist/ imports alerts/', () => {
    // Guards against passing on an empty scan: alerts/ does import hotlist/ (the shared hit types).
    expect(edges.some((e) => e.from.startsWith('daemon/alerts/') && e.to?.startsWith('daemon/hotlist/'))).toBe(true);
    const offenders = edges
      .filter((e) => e.from.startsWith('daemon/hotlist/') && e.to?.startsWith('daemon/alerts/'))
      .map((e) => `${e.from} imports ${e.specifier}`);
    expect(offenders).toEqual([]);
  });

  it('builds services in one place: only the program roots (main.ts, dispatch/main.ts) and the compose files import a daemon/compose-*.ts file', () => {
    const isCompose = (f: string | undefined) => f !== undefined && /^daemon\/compose-[^/]+\.ts$/.test(f);
    const roots = ['daemon/main.ts', 'daemon/dispatch/main.ts'];
    const composing = edges.filter((e) => isCompose(e.to));
    for (const root of roots) expect(composing).toContainEqual(expect.objectContaining({ from: root }));
    expect(
      composing
        .filter((e) => !roots.includes(e.from) && !isCompose(e.from))
        .map((e) => `${e.from} imports ${e.specifier}`),
    ).toEqual([]);
  });

  it('lists no CLI file as allowed to reach the store once it no longer does', () => {
    const still = new Set(cliStoreImports(edges).map((e) => e.from));
    expect(CLI_STORE_ALLOWED.filter((f) => !still.has(f))).toEqual([]);
  });
});

describe('circle finder', () => {
  it('names each circle as a closed path, and none in a graph without one', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['d.ts']],
      ['e.ts', ['a.ts']],
    ]);
    expect(findCircles(graph)).toEqual([
      ['d.ts', 'd.ts'],
      ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
    ]);
    expect(
      findCircles(
        new Map([
          ['a.ts', ['b.ts']],
          ['b.ts', []],
        ]),
      ),
    ).toEqual([]);
  });
});
