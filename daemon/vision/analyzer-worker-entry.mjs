// Worker bootstrap in plain JS: a worker thread does not inherit the parent's module hooks, so it
// registers tsx's loader itself and then loads the TypeScript worker. Works the same whether the
// parent runs under tsx (the daemon) or jest.
import { register } from 'tsx/esm/api';

register();
await import('./analyzer-worker.ts');
