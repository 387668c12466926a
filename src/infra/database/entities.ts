import { AuditLogEntity } from '../../modules/audit/audit-log.entity';
import { ChannelAccountEntity } from '../../modules/channels/channel-account.entity';
import { AssignmentEntity } from '../../modules/conversations/assignment.entity';
import { ConversationEntity } from '../../modules/conversations/conversation.entity';
import { MessageEntity } from '../../modules/conversations/message.entity';
import { CustomerEntity } from '../../modules/customers/customer.entity';
import { AttachmentEntity } from '../../modules/media/attachment.entity';
import { MemberEntity } from '../../modules/members/member.entity';
import { OrgEntity } from '../../modules/orgs/org.entity';
import { RoleEntity } from '../../modules/roles/role.entity';
import { UnitEntity } from '../../modules/units/unit.entity';

export const ENTITIES = [OrgEntity, UnitEntity, RoleEntity, MemberEntity, ChannelAccountEntity, AuditLogEntity, CustomerEntity, ConversationEntity, MessageEntity, AssignmentEntity, AttachmentEntity];
