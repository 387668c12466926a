import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

const indicators: { type: 'object'; additionalProperties: SchemaObject } = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['up', 'down'] }, message: { type: 'string' } },
    required: ['status'],
    additionalProperties: true,
  },
};

/** `database`, `redis` (each up or down with the reason), `postgres` (= database) and `outbox` (information). */
export class HealthDto {
  @ApiProperty({ enum: ['ok', 'error', 'shutting_down'] }) status!: string;
  @ApiPropertyOptional({ ...indicators, description: 'Indicators that are up' }) info?: Record<string, unknown>;
  @ApiPropertyOptional({ ...indicators, description: 'Indicators that are down' }) error?: Record<string, unknown>;
  @ApiProperty({ ...indicators, description: 'Every indicator' }) details!: Record<string, unknown>;
}
