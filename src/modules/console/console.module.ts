import { Module } from '@nestjs/common';
import { ConsoleStaticService } from './console.static.service';

/** The agent console's static files at `/` (docs/console.md). */
@Module({ providers: [ConsoleStaticService] })
export class ConsoleModule {}
