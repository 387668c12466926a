import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type MessageDirection = 'in' | 'out';
export type MessageKind = 'text' | 'note' | 'system';
export type SenderType = 'customer' | 'member' | 'system';
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

@Entity('messages')
export class MessageEntity {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column('uuid') orgId!: string;
  @Column('uuid') conversationId!: string;
  @Column('uuid') channelAccountId!: string;
  @Column('text') direction!: MessageDirection;
  @Column('text') kind!: MessageKind;
  /** The provider's message type: text, image, video, audio, file, location, sticker, postback… */
  @Column('text') contentType!: string;
  @Column('text', { nullable: true }) text!: string | null;
  @Column('jsonb') attachments!: Record<string, unknown>[];
  /** A WhatsApp template reply (docs/media.md): {name, language, components?}. */
  @Column('jsonb', { nullable: true }) template?: { name: string; language: string; components?: unknown[] } | null;
  @Column('text') senderType!: SenderType;
  @Column('uuid', { nullable: true }) senderMemberId!: string | null;
  @Column('boolean') private!: boolean;
  @Column('text', { nullable: true }) providerMessageId!: string | null;
  @Column('text', { nullable: true }) status!: DeliveryStatus | null;
  @Column('text', { nullable: true }) error!: string | null;
  @Column('int') attempts!: number;
  /** Members @mentioned in an internal note. */
  @Column('uuid', { array: true }) mentionIds!: string[];
  @Column('timestamptz') createdAt!: Date;
  @Column('timestamptz', { nullable: true }) sentAt!: Date | null;
}
