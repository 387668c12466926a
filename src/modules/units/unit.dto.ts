import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { Transform } from 'class-transformer';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateUnitDto {
  /** e.g. 中區營業所 */
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name!: string;

  @IsUUID()
  parentId!: string;
}

export class UpdateUnitDto {
  @IsOptional() @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(100)
  name?: string;

  /** Moves the unit (with its subtree) under another unit. */
  @IsOptional() @IsUUID()
  parentId?: string;
}

export interface UnitView {
  id: string;
  name: string;
  parentId: string | null;
  depth: number;
}
