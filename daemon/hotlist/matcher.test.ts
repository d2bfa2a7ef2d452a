import { ENTRIES_PER_TURN, Matcher } from './matcher.js';
import type { HotlistEntry } from './entry.js';
import { turnsDuring } from './test-support.js';

const NOW = Date.UTC(2026, 10, 28);
let n = 0;
function entry(plate: string, state: string | null, extra: Partial<HotlistEntry> = {}): HotlistEntry {
  return {
    key: `t:${++n}`,
    plate,
    state,
    category: 'stolen_vehicle',
    reason: '',
    source: 't',
    nic: null,
    ori: null,
    caseNumber: null,
    entered: null,
    expires: null,
    priority: null,
    notes: '',
    ...extra,
  };
}
const kinds = (m: Matcher, plate: string, state: string | null) =>
  m.match(plate, state, NOW).map((x) => [x.entry.plate, x.kind, x.stateConfirmed]);

describe('matcher', () => {
  it('matches plate and state when both are known, and not a plate of another state', () => {
    const m = new Matcher([entry('ABC1234', 'CO')], { lenientCategories: [] });
    expect(kinds(m, 'ABC1234', 'CO')).toEqual([['ABC1234', 'exact', true]]);
    expect(kinds(m, 'ABC1234', 'WY')).toEqual([]);
    expect(kinds(m, 'ABC1235', 'CO')).toEqual([]);
  });

  it('flags a plate match with an unknown read state as state not confirmed', () => {
    const m = new Matcher([entry('ABC1234', 'CO'), entry('ANY999', null)], { lenientCategories: [] });
    expect(kinds(m, 'ABC1234', null)).toEqual([['ABC1234', 'exact', false]]);
    expect(kinds(m, 'ANY999', null)).toEqual([['ANY999', 'exact', true]]);
    expect(kinds(m, 'ANY999', 'UT')).toEqual([['ANY999', 'exact', true]]);
  });

  it('matches partial plates with * and ? anchored at either end or inside', () => {
    const m = new Matcher([entry('AB?12*', 'CO'), entry('*77Q', null), entry('?X?Y?', null), entry('*K9*', null)], {
      lenientCategories: [],
    });
    expect(kinds(m, 'ABZ12', 'CO')).toEqual([['AB?12*', 'wildcard', true]]);
    expect(kinds(m, 'AB3129XY', 'CO')).toEqual([['AB?12*', 'wildcard', true]]);
    expect(kinds(m, 'AB312', 'WY')).toEqual([]);
    expect(kinds(m, 'A1B12', 'CO')).toEqual([]);
    expect(kinds(m, 'ZZ77Q', null)).toEqual([['*77Q', 'wildcard', true]]);
    expect(kinds(m, 'AXBYC', null)).toEqual([['?X?Y?', 'wildcard', true]]);
    expect(kinds(m, 'AXBYCD', null)).toEqual([]);
    expect(kinds(m, '1K92', null)).toEqual([['*K9*', 'wildcard', true]]);
  });

  it('matches OCR-confusable variants only for lenient categories and reports them as lenient', () => {
    const m = new Matcher(
      [entry('AMB0R1', null, { category: 'amber_alert' }), entry('5TOLEN8', null, { category: 'stolen_vehicle' })],
      { lenientCategories: ['amber_alert'] },
    );
    expect(kinds(m, 'AMBOR1', null)).toEqual([['AMB0R1', 'lenient', true]]);
    expect(kinds(m, 'AM8DRI', null)).toEqual([['AMB0R1', 'lenient', true]]);
    expect(kinds(m, 'AMB0R1', null)).toEqual([['AMB0R1', 'exact', true]]);
    expect(kinds(m, 'STOLENB', null)).toEqual([]);
  });

  it('never matches an expired entry', () => {
    const m = new Matcher(
      [
        entry('OLD1', null, { expires: NOW - 1 }),
        entry('OLD*', null, { expires: NOW }),
        entry('NEW1', null, { expires: NOW + 1 }),
      ],
      { lenientCategories: [] },
    );
    expect(kinds(m, 'OLD1', null)).toEqual([]);
    expect(kinds(m, 'NEW1', null)).toEqual([['NEW1', 'exact', true]]);
  });

  it('finds the right patterns among 10,000 without testing them all', () => {
    const entries: HotlistEntry[] = [];
    for (let i = 0; i < 10_000; i++)
      entries.push(entry(`${(i * 7919).toString(36).toUpperCase().padStart(4, 'Q').slice(0, 4)}?*`, null));
    entries.push(entry('ZZ9?1', null));
    const m = new Matcher(entries, { lenientCategories: [] });
    expect(m.match('ZZ9X1', null, NOW).map((x) => x.entry.plate)).toEqual(['ZZ9?1']);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 10_000; i++) m.match(`ZZ${i}`, null, NOW);
    const perReadUs = Number(process.hrtime.bigint() - t0) / 1e3 / 10_000;
    expect(perReadUs).toBeLessThan(200);
  });

  it("builds the same index in slices, letting the event loop run between them (the daemon's loading path)", async () => {
    const entries: HotlistEntry[] = [];
    for (let i = 0; i < ENTRIES_PER_TURN * 3; i++)
      entries.push(
        entry(`P${String(i).padStart(6, '0')}`, 'CO', { category: i % 2 ? 'stolen_vehicle' : 'amber_alert' }),
      );
    entries.push(entry('AB?12*', null, { category: 'amber_alert' }));
    const { result: built, turns } = await turnsDuring(() =>
      Matcher.build(entries, { lenientCategories: ['amber_alert'] }),
    );
    expect(turns).toBeGreaterThanOrEqual(2);
    const direct = new Matcher(entries, { lenientCategories: ['amber_alert'] });
    expect(built.size).toBe(direct.size);
    for (const plate of ['P000007', 'P000008', 'POOOOO8', 'AB912X', 'ABX12Z'])
      expect(kinds(built, plate, 'CO')).toEqual(kinds(direct, plate, 'CO'));
    expect(kinds(built, 'POOOOO8', 'CO')).toEqual([['P000008', 'lenient', true]]);
  });
});
