import { rejectReason } from './plate-text-filter.js';
import { selectPlates } from './plate-selection.js';

describe('plate-likeness of a text line', () => {
  it.each([
    ['ABC1234', 'ABC 1234'],
    ['7ABC123', '7ABC123'],
    ['GWAGEN', 'GWAGEN'],
    ['123456', '123456'],
    ['1B25790', '1B2:5790'],
  ])('accepts %s', (text, raw) => expect(rejectReason(text, raw)).toBeNull());

  it.each([
    ['TEXAS', 'TEXAS', 'state name or plate word'],
    ['OHIO', 'Ohio', 'state name or plate word'],
    ['5550188', '555-0188', 'phone number'],
    ['5551230188', '(555) 123-0188', 'too long'],
    ['5551234', '555.1234', 'phone number'],
    ['123456', '12:34:56', 'clock overlay'],
    ['1234', '12:34', 'clock overlay'],
    ['20240501', '2024-05-01', 'date overlay'],
    ['A', 'A', 'too short'],
    ['LONESTARSTATE', 'LONE STAR STATE', 'too long'],
  ])('rejects %s (read as "%s"): %s', (text, raw, why) => expect(rejectReason(text, raw)).toBe(why));
});

describe('choosing the plate line in a frame', () => {
  const read = (text: string, box: { x: number; y: number; w: number; h: number }, confidence = 0.9) => ({
    text,
    confidence,
    chars: [],
    alternatives: [],
    state: null,
    box,
    detectionScore: 0.9,
  });

  it('drops smaller printing stacked on the plate characters', () => {
    const plates = selectPlates([
      read('GARDEN', { x: 120, y: 70, w: 80, h: 14 }),
      read('ABC1234', { x: 100, y: 90, w: 150, h: 32 }),
      read('DEALER', { x: 130, y: 128, w: 90, h: 12 }),
    ]);
    expect(plates.map((p) => p.text)).toEqual(['ABC1234']);
  });

  it('keeps two plates side by side in the frame, surest first', () => {
    const plates = selectPlates([
      read('XYZ987', { x: 800, y: 300, w: 120, h: 30 }, 0.5),
      read('ABC1234', { x: 100, y: 300, w: 150, h: 32 }, 0.95),
    ]);
    expect(plates.map((p) => p.text)).toEqual(['ABC1234', 'XYZ987']);
  });

  it('joins the two groups of a plate read separately, with their alternatives', () => {
    const left = {
      ...read('ABC', { x: 100, y: 100, w: 90, h: 40 }, 0.9),
      alternatives: [{ text: 'A8C', confidence: 0.05 }],
    };
    const plates = selectPlates([read('1234', { x: 230, y: 101, w: 120, h: 39 }, 0.8), left]);
    expect(plates).toHaveLength(1);
    expect(plates[0]!.text).toBe('ABC1234');
    expect(plates[0]!.confidence).toBeCloseTo(0.72);
    expect(plates[0]!.alternatives[0]!.text).toBe('A8C1234');
    expect(plates[0]!.box).toEqual({ x: 100, y: 100, w: 250, h: 40 });
  });

  it('does not join lines far apart or too long together', () => {
    expect(
      selectPlates([read('ABC', { x: 100, y: 100, w: 90, h: 40 }), read('1234', { x: 400, y: 100, w: 120, h: 40 })]),
    ).toHaveLength(2);
    expect(
      selectPlates([
        read('ABCDE', { x: 100, y: 100, w: 150, h: 40 }),
        read('12345', { x: 260, y: 100, w: 150, h: 40 }),
      ]),
    ).toHaveLength(2);
  });
});
