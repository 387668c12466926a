import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Profile fields of SPEC §1; phone, idNumber and bankCard are sensitive. */
export interface CustomerProfile {
  name?: string | null;
  phone?: string | null;
  email?: string | null;
  birthday?: string | null;
  idNumber?: string | null;
  bankCard?: string | null;
  note?: string | null;
  custom?: Record<string, unknown> | null;
}

export const SENSITIVE_PROFILE_FIELDS = ['phone', 'idNumber', 'bankCard'] as const;

/** One per (channel account, provider user id). */
@Entity('customers')
export class CustomerEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') orgId!: string;
  @Column('uuid') channelAccountId!: string;
  @Column('text') externalId!: string;
  @Column('text') displayName!: string;
  @Column('jsonb') profile!: CustomerProfile;
  @Column('text', { array: true }) tags!: string[];
  @Column('uuid', { nullable: true }) boundUnitId!: string | null;
  @Column('uuid', { nullable: true }) boundMemberId!: string | null;
  @Column('boolean') followed!: boolean;
  /** The provider's profile picture, stored like an attachment (docs/media.md). */
  @Column('uuid', { nullable: true }) avatarAttachmentId!: string | null;
  /** When the provider's profile (name, picture) was last fetched: at most daily. */
  @Column('timestamptz', { nullable: true }) profileFetchedAt!: Date | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
