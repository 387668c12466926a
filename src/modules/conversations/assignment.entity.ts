import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type AssignmentEndReason = 'transferred' | 'completed' | 'unassigned' | 'member_deactivated';

/** One holding of a conversation by a member: who assigned it, the note, and why it ended. */
@Entity('assignments')
export class AssignmentEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') orgId!: string;
  @Column('uuid') conversationId!: string;
  @Column('uuid') memberId!: string;
  /** The member's unit when assigned: department/subordinates scope follows it. */
  @Column('uuid') unitId!: string;
  @Column('uuid', { nullable: true }) assignedById!: string | null;
  @Column('text', { nullable: true }) note!: string | null;
  @Column('text') via!: 'manual' | 'claim' | 'routing' | 'handover';
  @Column('timestamptz') startedAt!: Date;
  @Column('timestamptz', { nullable: true }) endedAt!: Date | null;
  @Column('text', { nullable: true }) endReason!: AssignmentEndReason | null;
  @Column('uuid', { nullable: true }) endedById!: string | null;
}
