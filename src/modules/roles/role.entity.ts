import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { NotificationChannel } from '../access/permissions';
import type { SendWindow } from '../governance/send-window';

export type BuiltinRole = 'administrator' | 'supervisor' | 'agent';

@Entity('roles')
export class RoleEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') orgId!: string;
  @Column('text') name!: string;
  @Column('text', { array: true }) permissions!: string[];
  @Column('text', { nullable: true }) builtin!: BuiltinRole | null;
  /** Channels chosen per notification event type; an absent type means the default (['web']). */
  @Column('jsonb') notifications!: Record<string, NotificationChannel[]>;
  /** Routed work stops at this many open assigned conversations; null = unlimited. */
  @Column('int', { nullable: true }) maxOpenConversations!: number | null;
  /** Replies only within this weekly window in the org's time zone; null = any time (docs/governance.md). */
  @Column('jsonb', { nullable: true }) sendWindow!: SendWindow | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
