import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

@Entity('orgs')
export class OrgEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('text') name!: string;
  @Column('int') transferTimeoutSeconds!: number;
  @Column('text') timezone!: string;
  @Column('int') maxUnitDepth!: number;
  @Column('int') presenceGraceSeconds!: number;
  @Column('int', { nullable: true }) requeueOfflineAfterSeconds!: number | null;
  @Column('int') grantQuotaPerDay!: number;
  @Column('int', { nullable: true }) retentionDays!: number | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
