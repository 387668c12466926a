import { Module } from '@nestjs/common';
import { MembersModule } from '../members/members.module';
import { RolesModule } from '../roles/roles.module';
import { UnitsModule } from '../units/units.module';
import { AccessRequestRepository } from './access-request.repository';
import { AccessRequestsController } from './access-requests.controller';
import { AccessRequestsService } from './access-requests.service';
import { GovernanceProcessor } from './governance.processor';
import { GovernanceSubscriber } from './governance.subscriber';
import { GrantRepository } from './grant.repository';
import { GrantsController } from './grants.controller';
import { GrantsService } from './grants.service';
import { InvitationRepository } from './invitation.repository';
import { SelfServiceController } from './self-service.controller';
import { SelfServiceService } from './self-service.service';
import { SendWindowRepository } from './send-window.repository';
import { SendWindowService } from './send-window.service';

/** Temporary grants and access requests (seed 004). */
@Module({
  imports: [MembersModule, UnitsModule, RolesModule],
  controllers: [GrantsController, AccessRequestsController, SelfServiceController],
  providers: [GrantRepository, AccessRequestRepository, GrantsService, AccessRequestsService, GovernanceProcessor, GovernanceSubscriber, SendWindowRepository, SendWindowService, InvitationRepository, SelfServiceService],
  exports: [GrantsService, SendWindowService],
})
export class GovernanceModule {}
