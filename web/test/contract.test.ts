import { routePath, WEB_API_PREFIX, WEB_CSP, WEB_PATHS } from '../../daemon/api/web-constants.js';
import { WEB_ROUTES, webEventSchemas, webHitSchema } from '../../daemon/api/web-contract.js';
import { sampleHit } from './sample-hit.js';

describe('page contract', () => {
  it("accepts the page tests' sample hit, so the tests use what the server sends", () => {
    expect(webHitSchema.parse(sampleHit())).toEqual(sampleHit());
    expect(webEventSchemas.hit.safeParse(sampleHit({ bureau: { authorized: false } })).success).toBe(true);
  });

  it('refuses a hit that leaks bureau details while saying they are not authorized', () => {
    const leak = { ...sampleHit(), bureau: { authorized: false, nic: 'V123' } };
    expect(webHitSchema.safeParse(leak).success).toBe(false);
  });

  it('keeps every route under one prefix, the only place the session cookie is honoured', () => {
    for (const [name, r] of Object.entries(WEB_ROUTES)) {
      expect(r.path.startsWith(`${WEB_API_PREFIX}/`)).toBe(true);
      expect(r.path).toBe(WEB_PATHS[name as keyof typeof WEB_PATHS]);
    }
    expect(Object.keys(WEB_ROUTES).sort()).toEqual(Object.keys(WEB_PATHS).sort());
  });

  it('fills path parameters as single escaped segments', () => {
    expect(routePath(WEB_PATHS.verification, { id: '../../x y' })).toBe('/api/web/hits/..%2F..%2Fx%20y/verification');
    expect(() => routePath(WEB_PATHS.crop)).toThrow(/needs the parameter read_id/);
  });

  it('allows nothing inline and nothing from elsewhere in the Content-Security-Policy', () => {
    expect(WEB_CSP).toContain("default-src 'self'");
    expect(WEB_CSP).not.toContain('unsafe-inline');
    expect(WEB_CSP).not.toContain('unsafe-eval');
    expect(WEB_CSP).not.toMatch(/https?:|\*/);
  });
});
