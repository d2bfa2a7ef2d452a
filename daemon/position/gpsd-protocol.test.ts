import { LineSplitter, parseGpsdLine } from './gpsd-protocol.js';

// Lines as gpsd 3.22 writes them (captured from gpsfake), trimmed of fields not used.
const TPV_3D =
  '{"class":"TPV","device":"/dev/pts/1","mode":3,"time":"2026-12-02T04:19:39.000Z","ept":0.005,"lat":39.742300000,"lon":-105.513600000,"altHAE":2380.0000,"track":271.5,"magtrack":8.2544,"speed":22.4,"eph":15.2,"epx":9.1,"epy":11.0}';

describe('gpsd reports', () => {
  it('turns a TPV with a 3D fix into a fix: time, position, error estimate, speed, course', () => {
    expect(parseGpsdLine(TPV_3D)).toEqual({
      kind: 'tpv',
      mode: 3,
      fix: {
        time: Date.UTC(2026, 11, 2, 4, 19, 39),
        lat: 39.7423,
        lon: -105.5136,
        accuracyM: 15.2,
        speedMps: 22.4,
        headingDeg: 271.5,
        mode: '3d',
      },
    });
  });

  it('estimates the error from epx and epy when gpsd gives no eph, and takes a 2D fix', () => {
    const r = parseGpsdLine(TPV_3D.replace('"mode":3', '"mode":2').replace(',"eph":15.2', ''));
    expect(r).toMatchObject({ kind: 'tpv', mode: 2, fix: { mode: '2d' } });
    expect((r as { fix: { accuracyM: number } }).fix.accuracyM).toBeCloseTo(Math.hypot(9.1, 11.0), 6);
  });

  it('has no fix for mode 0 or 1, or a TPV without time or position', () => {
    expect(parseGpsdLine('{"class":"TPV","device":"/dev/pts/1","mode":1}')).toEqual({
      kind: 'tpv',
      mode: 1,
      fix: null,
    });
    expect(parseGpsdLine(TPV_3D.replace(/"time":"[^"]+",/, ''))).toMatchObject({ fix: null });
    expect(parseGpsdLine(TPV_3D.replace(/"lat":[^,]+,/, ''))).toMatchObject({ fix: null });
  });

  it('counts the satellites used and in view from SKY, with or without uSat/nSat', () => {
    const sats = '[{"PRN":2,"used":true},{"PRN":5,"used":true},{"PRN":30,"used":false}]';
    expect(parseGpsdLine(`{"class":"SKY","satellites":${sats}}`)).toEqual({ kind: 'sky', used: 2, visible: 3 });
    expect(parseGpsdLine('{"class":"SKY","nSat":12,"uSat":8}')).toEqual({ kind: 'sky', used: 8, visible: 12 });
  });

  it('ignores other classes and refuses lines that are not JSON objects with a class', () => {
    expect(parseGpsdLine('{"class":"VERSION","release":"3.22"}')).toEqual({ kind: 'other', cls: 'VERSION' });
    for (const bad of ['{"class":"TPV"', 'garbage', '[1,2]', '{"mode":3}', '42']) expect(parseGpsdLine(bad)).toBeNull();
  });
});

describe('framing the TCP stream', () => {
  it('joins lines split across chunks and drops CR and blank lines', () => {
    const s = new LineSplitter();
    expect(s.push('{"a":1}\r\n{"b"')).toEqual({ lines: ['{"a":1}'], overlong: 0 });
    expect(s.push(':2}\n\n{"c":3}\n')).toEqual({ lines: ['{"b":2}', '{"c":3}'], overlong: 0 });
  });

  it('drops a line longer than the limit once, even when it never ends, and goes on after it', () => {
    const s = new LineSplitter(16);
    expect(s.push('x'.repeat(40))).toEqual({ lines: [], overlong: 1 });
    expect(s.push('y'.repeat(40))).toEqual({ lines: [], overlong: 0 });
    expect(s.push('zz\n{"ok":1}\n')).toEqual({ lines: ['{"ok":1}'], overlong: 0 });
  });
});
