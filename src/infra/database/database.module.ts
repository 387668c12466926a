import { Module } from '@nestjs/common';
import { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { appConfig } from '../config/app.config';
import { dataSourceOptions } from './data-source-options';
import { PoolWarmup } from './pool-warmup';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (cfg: ConfigType<typeof appConfig>) => ({ ...dataSourceOptions(cfg.databaseUrl, { poolSize: cfg.databasePoolSize }), autoLoadEntities: false }),
    }),
  ],
  providers: [PoolWarmup],
})
export class DatabaseModule {}
