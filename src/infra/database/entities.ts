import { AuditLogEntity } from '../../modules/audit/audit-log.entity';
import { ChannelAccountEntity } from '../../modules/channels/channel-account.entity';
import { MemberEntity } from '../../modules/members/member.entity';
import { OrgEntity } from '../../modules/orgs/org.entity';
import { RoleEntity } from '../../modules/roles/role.entity';
import { UnitEntity } from '../../modules/units/unit.entity';

export const ENTITIES = [OrgEntity, UnitEntity, RoleEntity, MemberEntity, ChannelAccountEntity, AuditLogEntity];
