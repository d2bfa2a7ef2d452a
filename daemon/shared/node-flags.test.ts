import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAEMON_NODE_FLAGS } from './node-flags.js';

const root = join(import.meta.dirname, '..', '..');

// The systemd unit and the plain-JS demo cannot import DAEMON_NODE_FLAGS, so they name the flags
// themselves: a unit started without them spends ~10 ms more CPU a frame than the figures say.
describe('the launchers that cannot import DAEMON_NODE_FLAGS start the daemon with them', () => {
  it('systemd/alpr-edge.service: ExecStart runs node with the flags before the script', () => {
    const unit = readFileSync(join(root, 'systemd', 'alpr-edge.service'), 'utf8');
    const execStart = unit.split('\n').find((l) => l.startsWith('ExecStart='));
    expect(execStart).toBeDefined();
    const args = execStart!.slice('ExecStart='.length).split(/\s+/);
    expect(args.slice(1, 1 + DAEMON_NODE_FLAGS.length)).toEqual([...DAEMON_NODE_FLAGS]);
    expect(args[1 + DAEMON_NODE_FLAGS.length]).toMatch(/bin\/alpr-edge\.js$/);
  });

  it('scripts/demo.mjs: spawns node with the flags before the script', () => {
    const demo = readFileSync(join(root, 'scripts', 'demo.mjs'), 'utf8');
    const spawnArgs = /spawn\(\s*process\.execPath,\s*\[([^\]]*)\]/.exec(demo)?.[1];
    expect(spawnArgs).toBeDefined();
    const quoted = [...spawnArgs!.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(quoted.slice(0, DAEMON_NODE_FLAGS.length)).toEqual([...DAEMON_NODE_FLAGS]);
  });
});
