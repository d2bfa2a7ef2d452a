import { BUREAU_NOT_AUTHORIZED, PAGE_VERIFICATION_NOTICE } from '../../daemon/api/web-constants.js';
import { hitViewModel } from '../src/logic/hit-view.js';
import { sampleHit } from './sample-hit.js';

const NOW = Date.parse('2026-11-28T15:00:00.000Z');
const UTC = { timeZone: 'UTC' };

describe('hit view model', () => {
  it('shows the verification notice while the hit is unverified (policy 424.3(f))', () => {
    const v = hitViewModel(sampleHit(), NOW, UTC);
    expect(v.verification).toEqual({ kind: 'unverified', text: PAGE_VERIFICATION_NOTICE });
    expect(PAGE_VERIFICATION_NOTICE).toBe('UNVERIFIED — confirm with CBI before any enforcement action');
  });

  it('replaces the notice with who confirmed it, when, and the bureau reference', () => {
    const v = hitViewModel(
      sampleHit({
        verification: {
          status: 'confirmed',
          by: 'deputy.ray',
          at: '2026-11-28T14:33:10.000Z',
          reference: 'CBI-2026-0042',
          note: 'CCIC confirms',
          case_number: 'CR26-01234',
        },
      }),
      NOW,
      UTC,
    );
    expect(v.verification.kind).toBe('confirmed');
    expect(v.verification.text).toBe(
      'CONFIRMED with CBI (deputy.ray, 14:33:10, reference CBI-2026-0042): CCIC confirms',
    );
    expect(v.verification.text).not.toContain('UNVERIFIED');
  });

  it('says "state not confirmed" when the entry names a state the read lacks', () => {
    const v = hitViewModel(sampleHit({ state: null, state_confirmed: false }), NOW, UTC);
    expect(v.stateText).toBe('state not read');
    expect(v.stateWarning).toBe('state not confirmed');
    expect(hitViewModel(sampleHit(), NOW, UTC).stateWarning).toBeNull();
  });

  it('names wildcard and lenient matches as such, with the entry that matched', () => {
    const exact = hitViewModel(sampleHit(), NOW, UTC);
    expect(exact).toMatchObject({ matchText: 'exact match', matchWarning: false });
    const wild = hitViewModel(sampleHit({ match_kind: 'wildcard', entry_plate: 'ABC12*' }), NOW, UTC);
    expect(wild.matchWarning).toBe(true);
    expect(wild.matchText).toBe('WILDCARD match on the partial plate ABC12*');
    const lenient = hitViewModel(sampleHit({ match_kind: 'lenient', entry_plate: 'A8C1234' }), NOW, UTC);
    expect(lenient.matchWarning).toBe(true);
    expect(lenient.matchText).toMatch(/^LENIENT match on A8C1234 .*compare the plate$/);
  });

  it("flags a stale list and gives the list's age", () => {
    const v = hitViewModel(sampleHit({ list: { source: 'cbi', version: 'v7', age_s: 3 * 86400, stale: true } }), NOW);
    expect(v.listStale).toBe(true);
    expect(v.listText).toBe('cbi list v7, 3 d old');
  });

  it('says how the read was located: GPS fix or fixed camera', () => {
    expect(hitViewModel(sampleHit(), NOW, UTC)).toMatchObject({
      positionText: '39.74110, -105.51720',
      locatedText: 'GPS 3D fix, ±6 m',
    });
    const fixed = sampleHit({
      position: { lat: 39.7, lon: -105.5, accuracy_m: null, source: 'camera', fix_mode: null, fix_age_s: null },
    });
    expect(hitViewModel(fixed, NOW, UTC).locatedText).toBe('fixed camera');
    const noFix = sampleHit({ position: null, position_status: 'no_fix' });
    expect(hitViewModel(noFix, NOW, UTC)).toMatchObject({
      positionText: 'US-6 at Clear Creek',
      locatedText: 'no position (no GPS fix)',
    });
  });

  it('shows bureau details to an authorized user and only "not authorized" to others (policy 424.3(g))', () => {
    const shown = hitViewModel(sampleHit(), NOW, UTC).bureau;
    expect(shown).toEqual({
      authorized: true,
      rows: [
        ['Reason', 'Stolen from Idaho Springs'],
        ['Source', 'CBI'],
        ['NIC', 'V123456789'],
        ['ORI', 'CO0100000'],
        ['Vehicle', 'Blue Subaru Outback'],
      ],
    });
    const hidden = hitViewModel(sampleHit({ bureau: { authorized: false } }), NOW, UTC);
    expect(hidden.bureau).toEqual({ authorized: false, text: BUREAU_NOT_AUTHORIZED });
    expect(hidden.categoryLabel).toBe('Stolen vehicle');
    expect(hidden.plate).toBe('ABC1234');
  });

  it('marks a retrospective hit with the read time and when it was listed', () => {
    const v = hitViewModel(
      sampleHit({ retrospective: true, ts: '2026-11-27T09:00:00.000Z', created_at: '2026-11-28T14:00:00.000Z' }),
      NOW,
      UTC,
    );
    expect(v.retrospectiveText).toBe('RETROSPECTIVE: read at Nov 27 09:00:00, listed later (14:00:00)');
  });

  it("shows the deputy's disposition and the action taken", () => {
    const v = hitViewModel(
      sampleHit({
        disposition: {
          value: 'wrong_state',
          action_taken: 'none',
          note: 'Utah plate',
          by: 'deputy.ray',
          at: '2026-11-28T14:31:00.000Z',
        },
      }),
      NOW,
      UTC,
    );
    expect(v.dispositionText).toBe('Wrong state; No action (deputy.ray, 14:31:00): Utah plate');
  });
});
