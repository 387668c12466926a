import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';
import { Permission } from '../src/modules/access/permissions';
import { ViewerRepository } from '../src/modules/access/viewer.repository';
import { MemberRepository } from '../src/modules/members/member.repository';
import { MembersService } from '../src/modules/members/members.service';
import { OrgsService } from '../src/modules/orgs/orgs.service';
import { RolesService } from '../src/modules/roles/roles.service';
import { UnitsService } from '../src/modules/units/units.service';

export const DEMO_PASSWORD = 'omni-demo-1234';
export const DEMO_ADMIN = 'admin@omni-demo.test';

/**
 * The seed's worked example as a demo org, created through the same services the API uses
 * (so it is audited like any other admin action). Idempotent: an existing demo is left alone.
 */
async function seedDemo(): Promise<void> {
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const members = app.get(MemberRepository);
    if (await members.findForLogin(DEMO_ADMIN)) {
      printLogin(false);
      return;
    }
    const { org } = await app.get(OrgsService).signup({
      name: 'Super 8 Demo',
      adminEmail: DEMO_ADMIN,
      adminPassword: DEMO_PASSWORD,
      adminName: 'Demo Admin',
      rootUnitName: '總公司含客服',
    });
    const adminRow = await members.findForLogin(DEMO_ADMIN);
    const admin = (await app.get(ViewerRepository).findActive(org.id, adminRow!.id))!;
    const units = app.get(UnitsService);
    const central = await units.create(admin, { name: '中區營業所', parentId: org.rootUnitId });
    const beitun = await units.create(admin, { name: '台中北屯門市', parentId: central.id });
    await units.create(admin, { name: '南區營業所', parentId: org.rootUnitId });

    const roles = app.get(RolesService);
    const builtins = (await roles.list(admin)).items;
    const supervisor = builtins.find((r) => r.builtinKey === 'supervisor')!;
    const agent = builtins.find((r) => r.builtinKey === 'agent')!;
    const manager = await roles.create(admin, {
      name: '區經理',
      permissions: [...supervisor.permissions.filter((p) => p !== Permission.AuditView)] as Permission[],
    });
    const svc = app.get(MembersService);
    const people = [
      { email: 'heine@omni-demo.test', displayName: 'heine (總公司客服)', unitId: org.rootUnitId, roleId: supervisor.id },
      { email: 'manager.a@omni-demo.test', displayName: '區經理 A', unitId: central.id, roleId: manager.id },
      { email: 'manager.b@omni-demo.test', displayName: '區經理 B', unitId: central.id, roleId: manager.id },
      { email: 'manager.c@omni-demo.test', displayName: '區經理 C', unitId: central.id, roleId: manager.id },
      { email: 'winnie@omni-demo.test', displayName: 'Winnie lala su', unitId: beitun.id, roleId: agent.id },
      { email: 'vincent@omni-demo.test', displayName: 'Vincent Hsu', unitId: beitun.id, roleId: agent.id },
    ];
    for (const p of people) await svc.create(admin, { ...p, password: DEMO_PASSWORD });
    printLogin(true);
  } finally {
    await app.close();
  }
}

function printLogin(created: boolean): void {
  const port = process.env.PORT ?? '3000';
  console.log(`
${created ? 'Created' : 'Found'} the demo organisation "Super 8 Demo": 總公司含客服 → 中區營業所 → 台中北屯門市, 南區營業所.
  Log in:   curl -s -X POST http://localhost:${port}/api/v1/auth/login -H 'content-type: application/json' \\
              -d '{"email":"${DEMO_ADMIN}","password":"${DEMO_PASSWORD}"}'
  Others:   heine@ / manager.a@ / manager.b@ / manager.c@ / winnie@ / vincent@omni-demo.test (same password)
  API docs: http://localhost:${port}/api/docs
`);
}

seedDemo().catch((e: Error) => {
  console.error(`Demo seed failed: ${e.message}`);
  process.exit(1);
});
