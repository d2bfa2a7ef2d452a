/**
 * Hotlist and MQTT figures. `npx tsx scripts/bench-hotlist.ts`, or from scripts/bench.ts:
 * `await runHotlistBench(console.log)`. Starts its own Mosquitto on a free loopback port.
 * The figures are taken under the daemon's node flags (DAEMON_NODE_FLAGS: its garbage collector
 * decides how long a big list load stalls the event loop), in a child process when this one
 * was started without them.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchLoad, benchMatching, benchPubackLatency, benchRefresh, benchRetro } from './bench-hotlist-figures.js';
import { DAEMON_NODE_FLAGS } from '../daemon/shared/node-flags.js';
import { haveMosquitto, TestBroker } from '../test/integration/mosquitto.js';

export async function runHotlistBench(print: (line: string) => void = console.log): Promise<void> {
  if (!DAEMON_NODE_FLAGS.every((f) => process.execArgv.includes(f))) {
    const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, '--import', 'tsx', fileURLToPath(import.meta.url)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    createInterface({ input: child.stdout }).on('line', print);
    const [code] = await once(child, 'exit');
    if (code !== 0) print(`hotlist bench: exited ${code}`);
    return;
  }
  print(`(node ${DAEMON_NODE_FLAGS.join(' ')}, as the daemon runs)`);
  // The refresh first, with nothing else on the heap: as in the daemon, one version in use and the next one built.
  await benchRefresh(print);
  const { matcher } = await benchLoad(print);
  benchMatching(print, matcher);
  await benchRetro(print, matcher);
  if (!haveMosquitto()) {
    print('read → PUBACK: skipped, /usr/sbin/mosquitto is not installed');
    return;
  }
  const broker = new TestBroker();
  await broker.start();
  try {
    await benchPubackLatency(print, broker.url);
  } finally {
    await broker.dispose();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runHotlistBench();
