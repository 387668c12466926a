import { Module } from '@nestjs/common';
import { BindingModule } from '../binding/binding.module';
import { ConversationsDataModule } from '../conversations/conversations-data.module';
import { CustomersModule } from '../customers/customers.module';
import { PresenceModule } from '../presence/presence.module';
import { RolesModule } from '../roles/roles.module';
import { UnitsModule } from '../units/units.module';
import { MemberRepository } from './member.repository';
import { MemberDepartureRepository } from './member-departure.repository';
import { MemberDepartureService } from './member-departure.service';
import { MembersController } from './members.controller';
import { MembersService } from './members.service';

@Module({
  imports: [UnitsModule, RolesModule, BindingModule, ConversationsDataModule, CustomersModule, PresenceModule],
  controllers: [MembersController],
  providers: [MembersService, MemberRepository, MemberDepartureRepository, MemberDepartureService],
  exports: [MembersService, MemberRepository],
})
export class MembersModule {}
