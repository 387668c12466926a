import { Module } from '@nestjs/common';
import { MembersModule } from '../members/members.module';
import { RolesModule } from '../roles/roles.module';
import { UnitsModule } from '../units/units.module';
import { OrgRepository } from './org.repository';
import { OrgsController } from './orgs.controller';
import { OrgsService } from './orgs.service';

@Module({
  imports: [UnitsModule, RolesModule, MembersModule],
  controllers: [OrgsController],
  providers: [OrgsService, OrgRepository],
  exports: [OrgRepository],
})
export class OrgsModule {}
