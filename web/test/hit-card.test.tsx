import { renderToString } from 'preact-render-to-string';
import { BUREAU_NOT_AUTHORIZED, PAGE_VERIFICATION_NOTICE } from '../../daemon/api/web-constants.js';
import { HitCard } from '../src/views/hit-card.js';
import { sampleHit } from './sample-hit.js';

const NOW = Date.parse('2026-11-28T15:00:00.000Z');
const render = (hit = sampleHit(), over: { canReview?: boolean; showUnit?: boolean } = {}) =>
  renderToString(
    <HitCard
      hit={hit}
      now={NOW}
      showUnit={over.showUnit ?? false}
      canReview={over.canReview ?? true}
      onChanged={() => {}}
    />,
  );

describe('hit card', () => {
  it('renders markup from a list as text: a reason holding <script> shows as those characters', () => {
    const html = render(
      sampleHit({
        plate: 'XSS1<b>',
        bureau: {
          authorized: true,
          reason: '<script>alert("reason")</script>',
          source: 'CBI',
          nic: '<img src=x onerror=alert(1)>',
          ori: null,
          notes: '"><svg onload=alert(2)>',
          vehicle: null,
          case_number: null,
        },
      }),
    );
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).not.toMatch(/<svg/i);
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;script>alert(&quot;reason&quot;)&lt;/script>');
    expect(html).toContain('XSS1&lt;b>');
  });

  it('carries the UNVERIFIED banner until the bureau answer is recorded, then not', () => {
    const open = render();
    expect(open).toContain(PAGE_VERIFICATION_NOTICE);
    expect(open).toContain('Record verification');
    const done = render(
      sampleHit({
        verification: {
          status: 'rejected',
          by: 'deputy.ray',
          at: '2026-11-28T14:40:00.000Z',
          reference: 'CBI-77',
          note: '',
          case_number: 'CR26-9',
        },
      }),
    );
    expect(done).not.toContain('UNVERIFIED');
    expect(done).toContain('REJECTED with CBI');
    expect(done).not.toContain('Record verification');
  });

  it('shows the category, the plate and "bureau details: not authorized" to a user without CBI authorization', () => {
    const html = render(sampleHit({ bureau: { authorized: false } }));
    expect(html).toContain('Stolen vehicle');
    expect(html).toContain('ABC1234');
    expect(html).toContain(BUREAU_NOT_AUTHORIZED);
    expect(html).not.toContain('NIC');
    expect(html).not.toContain('Stolen from Idaho Springs');
  });

  it('shows the crop beside the read, the level in words, and the unit on the dispatch console', () => {
    const html = render(sampleHit({ alert_level: 'urgent', category: 'amber_alert' }), { showUnit: true });
    expect(html).toContain('<img src="/api/web/crops/read-0001" alt="plate crop of the read ABC1234"');
    expect(html).toContain('class="hit level-urgent"');
    expect(html).toContain('URGENT');
    expect(html).toContain('Car 12');
    expect(render()).not.toContain('Car 12');
  });

  it('offers the review forms only to a user who may record them', () => {
    expect(render()).toContain('Record disposition');
    const html = render(sampleHit(), { canReview: false });
    expect(html).not.toContain('Record disposition');
    expect(html).not.toContain('Record verification');
    expect(html).toContain(PAGE_VERIFICATION_NOTICE);
  });

  it("uses no inline style or script, which the page's Content-Security-Policy would refuse", () => {
    const html = render();
    expect(html).not.toMatch(/\sstyle=/i);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });
});
