import { parseConfigText } from '../config/load.js';
import { ConfigError } from '../shared/errors.js';
import { parseLoopbackListen } from './metrics-config.js';

const unit = (metrics: string) =>
  [
    'unit: { id: unit9 }',
    'cameras: [{ id: front, name: Front, url: "rtsp://cam/1", location: { lat: 39.7, lon: -105.5 } }]',
    metrics,
    '',
  ].join('\n');

describe('metrics.listen', () => {
  it('is off by default', () => {
    expect(parseConfigText(unit(''), 'unit.yaml', { get: () => undefined }).metrics).toEqual({ listen: '' });
  });

  it('takes a loopback address and port', () => {
    expect(parseLoopbackListen('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseLoopbackListen('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseLoopbackListen('localhost:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
  });

  it('refuses an address other programs than the unit’s own could reach, naming the line and key', () => {
    for (const listen of ['0.0.0.0:9464', '192.168.1.20:9464', '[::]:9464', 'unit.local:9464', '127.0.0.1', ':9464']) {
      expect(parseLoopbackListen(listen)).toBeUndefined();
    }
    let err: unknown;
    try {
      parseConfigText(unit('metrics: { listen: "0.0.0.0:9464" }'), 'unit.yaml', { get: () => undefined });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.join('\n')).toMatch(/unit\.yaml:3 metrics\.listen: .*loopback/);
  });
});
