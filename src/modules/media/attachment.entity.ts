import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const ATTACHMENT_TYPES = ['image', 'video', 'audio', 'file', 'sticker', 'location'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
export type AttachmentStatus = 'pending' | 'stored' | 'failed';

/**
 * Where the provider keeps the bytes (never shown to clients).
 */
export interface ProviderRef {
  /** LINE message id (content API) or WhatsApp media id (Graph). */
  providerId?: string;
  /** Messenger/Instagram attachment URL, LINE external content URL, a profile picture. */
  url?: string;
}

/** One attachment: inbound media, an upload waiting to be sent, or a customer's avatar. Bytes live in object storage. */
@Entity('attachments')
export class AttachmentEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') orgId!: string;
  @Column('uuid', { nullable: true }) messageId!: string | null;
  @Column('uuid', { nullable: true }) customerId!: string | null;
  @Column('uuid', { nullable: true }) channelAccountId!: string | null;
  @Column('text') purpose!: 'message' | 'avatar';
  @Column('text') direction!: 'in' | 'out';
  @Column('text') type!: AttachmentType;
  @Column('text', { nullable: true }) mimeType!: string | null;
  @Column('bigint', { nullable: true, transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) } })
  size!: number | null;
  @Column('text', { nullable: true }) fileName!: string | null;
  @Column('text') status!: AttachmentStatus;
  @Column('text', { nullable: true }) storageKey!: string | null;
  @Column('jsonb') providerRef!: ProviderRef;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('int') attempts!: number;
  @Column('uuid', { nullable: true }) uploadedById!: string | null;
  @Column('timestamptz') createdAt!: Date;
  @Column('timestamptz') updatedAt!: Date;
}
