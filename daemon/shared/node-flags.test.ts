import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DAEMON_NODE_FLAGS } from './node-flags.js';

const root = join(import.meta.dirname, '..', '..');

// The systemd unit cannot import DAEMON_NODE_FLAGS, so it names the flags itself: a unit started without them spends ~10 ms more CPU a frame than the figures say.
describe('the launchers that cannot import DAEMON_NODE_FLAGS start the daemon with them', () => {
  it('systemd/alpr-edge.service: ExecStart runs node with the flags before the script', () => {
    const unit = readFileSync(join(root, 'systemd', 'alpr-edge.service'), 'utf8');
    const execStart = unit.split('\n').find((l) => l.startsWith('ExecStart='));
    expect(execStart).toBeDefined();
    const args = execStart!.slice('ExecStart='.length).split(/\s+/);
    expect(args.slice(1, 1 + DAEMON_NODE_FLAGS.length)).toEqual([...DAEMON_NODE_FLAGS]);
    expect(args[1 + DAEMON_NODE_FLAGS.length]).toMatch(/bin\/alpr-edge\.js$/);
  });
});
