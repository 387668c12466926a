import { Module } from '@nestjs/common';
import { OrgRepository } from '../orgs/org.repository';
import { UnitRepository } from './unit.repository';
import { UnitsController } from './units.controller';
import { UnitsService } from './units.service';

@Module({
  controllers: [UnitsController],
  providers: [UnitsService, UnitRepository, OrgRepository],
  exports: [UnitsService, UnitRepository],
})
export class UnitsModule {}
