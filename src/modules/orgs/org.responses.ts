import { ApiProperty } from '@nestjs/swagger';
import { MemberDto } from '../members/member.responses';

export class OrgSettingsViewDto {
  @ApiProperty({ type: 'integer', description: 'A transferred conversation with no reply for this long notifies (seconds)' }) transferTimeoutSeconds!: number;
  @ApiProperty({ example: 'Asia/Taipei', description: 'IANA time zone' }) timezone!: string;
  @ApiProperty({ type: 'integer', description: 'Deepest unit level allowed' }) maxUnitDepth!: number;
  @ApiProperty({ type: 'integer', description: 'Seconds without any socket before a member is offline' }) presenceGraceSeconds!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'An assignee offline this long loses their open conversations; null = never' })
  requeueOfflineAfterSeconds!: number | null;
  @ApiProperty({ type: 'integer', description: 'Temporary grants one issuer may issue per day' }) grantQuotaPerDay!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Days to keep messages of done/trashed conversations; null = forever' })
  retentionDays!: number | null;
}

export class OrgDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'uuid' }) rootUnitId!: string;
  @ApiProperty({ type: () => OrgSettingsViewDto }) settings!: OrgSettingsViewDto;
}

export class OrgRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'uuid' }) rootUnitId!: string;
}

export class SignupResponseDto {
  @ApiProperty({ type: () => OrgRefDto }) org!: OrgRefDto;
  @ApiProperty({ type: () => MemberDto, description: 'The first administrator' }) member!: MemberDto;
  @ApiProperty({ description: "The administrator's bearer token" }) accessToken!: string;
}
