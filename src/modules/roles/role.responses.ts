import { ApiProperty } from '@nestjs/swagger';
import { ALL_PERMISSIONS, NOTIFICATION_CHANNELS } from '../access/permissions';
import { SendWindowDto } from './role.dto';

export class RoleDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ALL_PERMISSIONS, isArray: true, description: 'Keys from GET /api/v1/permissions' }) permissions!: string[];
  @ApiProperty({ description: 'One of the roles every org starts with' }) builtin!: boolean;
  @ApiProperty({ type: String, enum: ['administrator', 'supervisor', 'agent'], nullable: true }) builtinKey!: 'administrator' | 'supervisor' | 'agent' | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'string', enum: [...NOTIFICATION_CHANNELS] } },
    example: { 'customer.bound': ['web', 'email'] },
    description: 'Channels per notification event type this role may receive',
  })
  notifications!: Record<string, string[]>;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Routed work stops at this many open assigned conversations per member; null = unlimited' })
  maxOpenConversations!: number | null;
  @ApiProperty({ type: () => SendWindowDto, nullable: true, description: "Replies only within this weekly window in the org's time zone; null = any time" })
  sendWindow!: SendWindowDto | null;
}
