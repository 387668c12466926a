import { seedOrg } from './support/org-fixture';
import { startTestApp, TestApp } from './support/test-app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('boots and seeds the worked example', async () => {
    const org = await seedOrg(t);
    const me = await t.as(org.managerA.token).get('/api/v1/me').expect(200);
    expect(me.body.unit.name).toBe('中區營業所');
  });
});
