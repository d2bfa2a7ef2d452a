/**
 * Hotlist and MQTT figures. `npx tsx scripts/bench-hotlist.ts`, or from scripts/bench.ts:
 * `await runHotlistBench(console.log)`. Starts its own Mosquitto on a free loopback port.
 */
import { pathToFileURL } from 'node:url';
import { benchLoad, benchMatching, benchPubackLatency, benchRetro } from '../daemon/hotlist/bench.js';
import { haveMosquitto, TestBroker } from '../test/integration/mosquitto.js';

export async function runHotlistBench(print: (line: string) => void = console.log): Promise<void> {
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
