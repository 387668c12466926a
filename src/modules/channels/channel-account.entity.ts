import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const CHANNEL_TYPES = ['line', 'messenger', 'instagram', 'whatsapp'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** A connected provider account. Secrets are AES-256-GCM ciphertexts (SECRETS_KEY) and never leave the server. */
@Entity('channel_accounts')
export class ChannelAccountEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') orgId!: string;
  @Column('text') type!: ChannelType;
  @Column('text') name!: string;
  @Column('text') externalId!: string;
  /** Home unit of conversations whose customer is not bound (routing). */
  @Column('uuid', { nullable: true }) routingUnitId!: string | null;
  /** Public handles deep links are built from (docs/media.md): LINE basic id, Instagram username, WhatsApp number. */
  @Column('text', { nullable: true }) basicId!: string | null;
  @Column('text', { nullable: true }) username!: string | null;
  @Column('text', { nullable: true }) phoneNumber!: string | null;
  @Column('text', { select: false }) secretEnc!: string;
  @Column('text', { select: false }) accessTokenEnc!: string;
  @Column('text', { select: false, nullable: true }) verifyTokenEnc!: string | null;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt!: Date;
}
