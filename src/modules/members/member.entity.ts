import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type MemberStatus = 'active' | 'deactivated';

@Entity('members')
export class MemberEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') orgId!: string;
  @Column('uuid') unitId!: string;
  @Column('uuid') roleId!: string;
  @Column('text') email!: string;
  @Column('text') displayName!: string;
  @Column('text', { select: false }) passwordHash!: string;
  @Column('text') status!: MemberStatus;
  /** Channel scope: the channel accounts this member works; empty means all of the org's. */
  @Column('uuid', { array: true }) channelAccountIds!: string[];
  /** Bumped to revoke every token issued before (deactivation, password change). */
  @Column('int') tokenVersion!: number;
  @Column('timestamptz', { nullable: true }) deactivatedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
