import { IsOptional, IsUUID } from 'class-validator';

export class BindCustomerDto {
  @IsUUID()
  unitId!: string;

  /** A member of that unit (業務), optional. */
  @IsOptional() @IsUUID()
  memberId?: string;
}
