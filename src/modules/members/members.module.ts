import { Module } from '@nestjs/common';
import { RolesModule } from '../roles/roles.module';
import { UnitsModule } from '../units/units.module';
import { MemberRepository } from './member.repository';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';

@Module({
  imports: [UnitsModule, RolesModule],
  controllers: [MembersController],
  providers: [MembersService, MemberRepository],
  exports: [MembersService, MemberRepository],
})
export class MembersModule {}
