import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ConversationStatus } from '../access/folder-rules';

/** One per customer. */
@Entity('conversations')
export class ConversationEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') orgId!: string;
  @Column('uuid') customerId!: string;
  @Column('uuid') channelAccountId!: string;
  @Column('text') status!: ConversationStatus;
  @Column('uuid', { nullable: true }) assigneeId!: string | null;
  /** The assignee's unit at assignment time. */
  @Column('uuid', { nullable: true }) assigneeUnitId!: string | null;
  @Column('timestamptz', { nullable: true }) assignedAt!: Date | null;
  @Column('uuid', { nullable: true }) lastAssigneeId!: string | null;
  @Column('uuid', { nullable: true }) lastAssigneeUnitId!: string | null;
  @Column('timestamptz', { nullable: true }) lastCustomerMessageAt!: Date | null;
  @Column('timestamptz', { nullable: true }) lastAgentReplyAt!: Date | null;
  @Column('uuid', { nullable: true }) lastMessageId!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
