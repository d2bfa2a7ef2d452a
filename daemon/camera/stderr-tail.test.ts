import { StderrTail } from './stderr-tail.js';

describe('StderrTail', () => {
  test('keeps only the last N lines', () => {
    const t = new StderrTail(3);
    t.push('a\nb\nc\nd\ne\n');
    expect(t.snapshot()).toEqual(['c', 'd', 'e']);
  });

  test('joins lines split across chunks and strips credentials from them', () => {
    const t = new StderrTail();
    t.push("Input #0, rtsp, from 'rtsp://op:s3cr");
    t.push("et@192.168.1.20:554/h264':\n");
    t.push('http://viewer:pw@cam.local/mjpg: Connection refused\r\n');
    expect(t.snapshot()).toEqual([
      "Input #0, rtsp, from 'rtsp://***:***@192.168.1.20:554/h264':",
      'http://***:***@cam.local/mjpg: Connection refused',
    ]);
    expect(t.snapshot().join('\n')).not.toMatch(/s3cret|pw@/);
  });

  test('an unterminated last line shows, stripped, in the snapshot', () => {
    const t = new StderrTail();
    t.push('rtsp://u:p@h/x: Immediate exit requested');
    expect(t.snapshot()).toEqual(['rtsp://***:***@h/x: Immediate exit requested']);
  });

  test('a runaway line without newlines does not grow without bound', () => {
    const t = new StderrTail(2);
    for (let i = 0; i < 100; i++) t.push('x'.repeat(1000));
    expect(t.snapshot().every((l) => l.length <= 5000)).toBe(true);
    expect(t.snapshot().length).toBeLessThanOrEqual(2);
  });

  test('marks separate runs; the current run can be read alone', () => {
    const t = new StderrTail(10);
    t.push('first run died\n');
    t.mark('run 2');
    t.push('second run line\n');
    expect(t.snapshot()).toEqual(['first run died', '--- run 2 ---', 'second run line']);
    expect(t.snapshot(true)).toEqual(['second run line']);
  });
});
