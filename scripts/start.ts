/**
 * `npm start [-- --config FILE]`: starts the daemon in the foreground with the node flags the
 * service uses. Without --config (and without $ALPR_EDGE_CONFIG) it runs the demo unit: the
 * bundled clip, looping, state under var/demo/.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DAEMON_NODE_FLAGS } from '../daemon/shared/node-flags.js';
import { writeDemoConfig } from './demo-config.js';

const args = process.argv.slice(2);
const hasConfig = args.some((a) => a === '--config' || a.startsWith('--config='));
if (!hasConfig && !process.env.ALPR_EDGE_CONFIG) {
  const file = writeDemoConfig({ loop: true });
  console.error(`alpr-edge: no --config given; running the demo unit (${file}). Stop with Ctrl-C.`);
  args.push('--config', file);
}
// The daemon gets a process group of its own, so a Ctrl-C reaches it once, from here: npm and tsx
// relay the terminal's signal too, and a second SIGINT within a second would force an exit.
const daemon = spawn(
  process.execPath,
  [...DAEMON_NODE_FLAGS, join(import.meta.dirname, '..', 'bin', 'alpr-edge.js'), 'run', ...args],
  { stdio: 'inherit', detached: true },
);
let lastForwarded = 0;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(sig, () => {
    const now = Date.now();
    if (sig !== 'SIGHUP' && now - lastForwarded < 1000) return;
    if (sig !== 'SIGHUP') lastForwarded = now;
    daemon.kill(sig);
  });
}
daemon.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
