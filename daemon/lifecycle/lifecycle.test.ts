import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lifecycle, type Service } from './lifecycle.js';
import { SdNotify } from './sd-notify.js';
import { silentLogger } from '../shared/logger.js';

function recorder(events: string[], name: string, failStop = false): Service {
  return {
    name,
    start: () => void events.push(`start ${name}`),
    stop: () => {
      events.push(`stop ${name}`);
      if (failStop) throw new Error('boom');
    },
  };
}

describe('lifecycle', () => {
  it('starts in order and stops in reverse, still stopping the rest when one stop fails', async () => {
    const events: string[] = [];
    const l = new Lifecycle(silentLogger());
    await l.start(
      [recorder(events, 'db'), recorder(events, 'broker', true), recorder(events, 'camera')],
      new AbortController().signal,
    );
    await l.stop();
    expect(events).toEqual(['start db', 'start broker', 'start camera', 'stop camera', 'stop broker', 'stop db']);
  });

  it('stops starting when aborted and can stop what already started', async () => {
    const events: string[] = [];
    const ac = new AbortController();
    const l = new Lifecycle(silentLogger());
    const aborter: Service = {
      name: 'aborter',
      start: () => ac.abort(new Error('SIGTERM during start')),
      stop: () => {},
    };
    await expect(l.start([recorder(events, 'db'), aborter, recorder(events, 'camera')], ac.signal)).rejects.toThrow(
      'SIGTERM during start',
    );
    await l.stop();
    expect(events).toEqual(['start db', 'stop db']);
  });
});

describe('sd_notify', () => {
  it('is a no-op without NOTIFY_SOCKET', () => {
    const sd = new SdNotify(silentLogger(), {});
    expect(sd.enabled).toBe(false);
    sd.ready();
    sd.close();
  });

  it('sends READY=1 and watchdog pings at half WATCHDOG_USEC to the notify socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sd-'));
    const path = join(dir, 'notify');
    const unix = createRequire(import.meta.url)('unix-dgram');
    const server = unix.createSocket('unix_dgram');
    const got: string[] = [];
    server.on('message', (msg: Buffer) => got.push(msg.toString()));
    server.bind(path);
    const sd = new SdNotify(silentLogger(), { NOTIFY_SOCKET: path, WATCHDOG_USEC: '200000' });
    try {
      sd.ready('test');
      await new Promise((r) => setTimeout(r, 350));
      sd.stopping();
      await new Promise((r) => setTimeout(r, 50));
      expect(got[0]).toBe('READY=1\nSTATUS=test');
      expect(got.filter((m) => m === 'WATCHDOG=1').length).toBeGreaterThanOrEqual(2);
      expect(got[got.length - 1]).toBe('STOPPING=1');
    } finally {
      sd.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
