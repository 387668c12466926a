import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ConversationStatus } from '../access/folder-rules';

/** One per customer. `boundUnitId` mirrors the customer's binding so folder queries need no join. */
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
  @Column('uuid', { nullable: true }) boundUnitId!: string | null;
  /** The unit it was last transferred to (POST /assign {unitId}); cleared by an assignment to a member. */
  @Column('uuid', { nullable: true }) transferUnitId!: string | null;
  /** Routing's home unit: coalesce(transfer unit, bound unit, channel account's routing unit); the unassigned folder reads it. */
  @Column('uuid', { nullable: true }) homeUnitId!: string | null;
  @Column('timestamptz') lastAssignedAt!: Date;
  @Column('timestamptz') lastCustomerMessageAt!: Date;
  @Column('timestamptz', { nullable: true }) lastAgentReplyAt!: Date | null;
  /** The later of the last customer message and the last agent reply: most folders sort by it. */
  @Column('timestamptz') lastActivityAt!: Date;
  @Column('uuid', { nullable: true }) lastMessageId!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
