import { ApiProperty } from '@nestjs/swagger';

export class BindingLinkDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) unitId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) memberId!: string | null;
  @ApiProperty({ format: 'uuid' }) channelAccountId!: string;
  @ApiProperty({ example: 'OMNI-7Q2M9K4X1B3C' }) token!: string;
  @ApiProperty({ description: 'What the customer sends to bind (the QR code and link pre-fill it)' }) text!: string;
  @ApiProperty({ description: 'Postback payload carrying the same token (rich menus, buttons)' }) postback!: string;
  @ApiProperty({ format: 'uri', description: 'Landing page of the link' }) url!: string;
  @ApiProperty({
    type: 'object',
    properties: { line: { type: 'string' }, messenger: { type: 'string' }, instagram: { type: 'string' }, whatsapp: { type: 'string' } },
    description: 'Links opening the chat with the token: LINE (needs the account’s basicId), Messenger, Instagram (username), WhatsApp (phoneNumber)',
  })
  deepLinks!: { line?: string; messenger?: string; instagram?: string; whatsapp?: string };
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
}

export class CreatedBindingLinkDto extends BindingLinkDto {
  @ApiProperty({ description: 'QR code of `url` as a PNG data URL' }) qrPng!: string;
  @ApiProperty({ description: 'QR code of `url` as SVG markup' }) qrSvg!: string;
}
