import { vote } from './vote.js';
import { plate } from './test-helpers.js';

const box = { x: 0, y: 0, w: 100, h: 30 };

describe('vote across a vehicle pass', () => {
  it('lets the majority of frames outvote a look-alike misread', () => {
    const r = vote([plate('ABC1234', 0.95, box), plate('A8C1234', 0.97, box), plate('ABC1234', 0.9, box)]);
    expect(r?.text).toBe('ABC1234');
    expect(r?.alternatives.map((a) => a.text)).toContain('A8C1234');
  });

  it('ignores a read that dropped a character when most reads agree on the length', () => {
    const r = vote([plate('BC1234', 0.99, box), plate('XBC1234', 0.9, box), plate('XBC1234', 0.9, box)]);
    expect(r?.text).toBe('XBC1234');
  });

  it('reports lower confidence when frames disagree than when they agree', () => {
    const agree = vote([plate('ABC1234', 0.95, box), plate('ABC1234', 0.95, box)])!;
    const split = vote([plate('ABC1234', 0.95, box), plate('ABG1Z34', 0.95, box)])!;
    expect(split.confidence).toBeLessThan(agree.confidence);
  });

  it('takes the state most reads name', () => {
    const r = vote([
      plate('ABC1234', 0.9, box, 'CO'),
      plate('ABC1234', 0.9, box, 'CO'),
      plate('ABC1234', 0.8, box, 'WY'),
    ]);
    expect(r?.state).toBe('CO');
  });

  it('returns null when nothing was read', () => {
    expect(vote([])).toBeNull();
  });
});
