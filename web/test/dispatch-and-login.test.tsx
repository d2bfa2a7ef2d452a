import { renderToString } from 'preact-render-to-string';
import type { WebUnit } from '../../daemon/api/web-contract.js';
import { ApiError } from '../src/api.js';
import { loginRefusal } from '../src/views/login.js';
import { UnitsView } from '../src/views/units.js';

const NOW = Date.parse('2026-11-28T15:00:00.000Z');

const unit = (over: Partial<WebUnit>): WebUnit => ({
  id: 'car-12',
  name: 'Car 12',
  state: 'online',
  since: '2026-11-28T06:00:00.000Z',
  last_seen: '2026-11-28T14:59:50.000Z',
  lists_stale: false,
  lists: [{ source: 'cbi', version: 'v7', entries: 1200, age_s: 7200, stale: false }],
  storage: 'ok',
  gps_fix: 'ok',
  position: { lat: 39.74, lon: -105.51 },
  ...over,
});

describe('dispatch units view', () => {
  it("shows each unit's online state and flags stale lists and a lost GPS fix", () => {
    const html = renderToString(
      <UnitsView
        now={NOW}
        units={[
          unit({}),
          unit({
            id: 'trailer-3',
            name: 'Trailer 3',
            state: 'offline',
            lists_stale: true,
            lists: [{ source: 'cbi', version: 'v5', entries: 1100, age_s: 3 * 86400, stale: true }],
            gps_fix: 'lost',
          }),
        ]}
      />,
    );
    expect(html).toMatch(/data-unit-id="car-12" class="unit-online">.*ONLINE.*current, oldest 2 h/);
    expect(html).toMatch(/data-unit-id="trailer-3" class="unit-offline">.*OFFLINE.*STALE, oldest 3 d.*FIX LOST/);
  });
});

describe('login refusals', () => {
  it('says until when a locked account stays locked', () => {
    const e = new ApiError(401, 'locked', 'account "ray" is locked', '2026-11-28T15:15:00.000Z');
    expect(loginRefusal(e, NOW)).toMatch(
      /^This account is locked after repeated failed logins, until \d\d:\d\d:\d\d\./,
    );
  });

  it('says how long to wait after too many attempts, and passes other refusals through', () => {
    expect(loginRefusal(new ApiError(429, 'rate_limited', 'slow down', undefined, 30), NOW)).toBe(
      'Too many login attempts from this computer: wait 30 s and try again.',
    );
    expect(loginRefusal(new ApiError(401, 'bad_credentials', 'wrong user name or password'), NOW)).toBe(
      'wrong user name or password',
    );
  });
});
