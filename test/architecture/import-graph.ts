import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ts from 'typescript';

/** One import in a source file: the specifier as written and, for a relative one, the file it names. */
export interface ImportEdge {
  from: string;
  specifier: string;
  /** Repository-relative path of the imported source file; undefined for a package. */
  to: string | undefined;
}

/** Test files and the helpers only tests use are not part of the daemon's graph. */
const NOT_SOURCE = /\.test\.ts$|(^|\/)test-(support|helpers)(\.ts$|\/)|(^|\/)testing\//;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const posix = (p: string): string => p.split(sep).join('/');

/** The daemon's source files under `folder` (repository-relative, `/`-separated), tests excluded. */
export function sourceFiles(root: string, folder = 'daemon'): string[] {
  return walk(join(root, folder))
    .map((f) => posix(relative(root, f)))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !NOT_SOURCE.test(f))
    .sort();
}

function resolve(root: string, from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = join(root, dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')])
    if (existsSync(candidate)) return posix(relative(root, candidate));
  return posix(relative(root, base));
}

/** Every import of a file: static and type-only imports, re-exports and dynamic `import()`. */
export function importsOf(root: string, file: string): ImportEdge[] {
  const source = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest);
  const edges: ImportEdge[] = [];
  const add = (specifier: string): void => {
    edges.push({ from: file, specifier, to: resolve(root, file, specifier) });
  };
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    )
      add(node.moduleSpecifier.text);
    else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    )
      add(node.arguments[0].text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** file -> the source files it imports (packages left out). */
export type Graph = Map<string, string[]>;

export function buildGraph(edges: ImportEdge[], files: string[]): Graph {
  const graph: Graph = new Map(files.map((f) => [f, []]));
  for (const e of edges) if (e.to && graph.has(e.to)) graph.get(e.from)?.push(e.to);
  return graph;
}

/**
 * The import circles of a graph: for each group of files that reach one another (a strongly
 * connected component, Tarjan's algorithm), one circle through its first file, closed on itself
 * (`a → b → a`). A file that imports itself is a circle too.
 */
export function findCircles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || graph.get(v)?.includes(v)) groups.push(group.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return groups.map((group) => circleThrough(graph, group));
}

/** The shortest path from the group's first file back to itself, inside the group (breadth first). */
function circleThrough(graph: Graph, group: string[]): string[] {
  const members = new Set(group);
  const start = group[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(cameFrom.get(path[0]!)!);
        return [...path, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
