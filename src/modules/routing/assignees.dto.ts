import { ApiProperty } from '@nestjs/swagger';

/** A member who may hold a conversation (manual assignment or routing), with what routing weighs. */
export class EligibleAssigneeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ enum: ['available', 'away', 'offline'] }) presence!: 'available' | 'away' | 'offline';
  @ApiProperty({ type: 'integer', description: 'Open conversations assigned to them now' }) openConversations!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: "Their role's maxOpenConversations (null = unlimited); manual assignment may exceed it" })
  maxOpenConversations!: number | null;
}
