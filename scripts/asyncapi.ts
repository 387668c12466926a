import { writeFileSync } from 'fs';
import { join } from 'path';
import { asyncApiYaml } from '../src/modules/realtime/realtime.asyncapi';

/** Renders the AsyncAPI document of the /inbox socket events to docs/asyncapi.yaml. */
const out = join(__dirname, '..', 'docs', 'asyncapi.yaml');
writeFileSync(out, asyncApiYaml());
console.log(`wrote ${out}`);
