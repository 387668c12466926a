import { dropDatabase } from './databases';

export default async function globalTeardown(): Promise<void> {
  const template = process.env.OMNI_TEST_TEMPLATE_DB;
  if (template) await dropDatabase(template);
}
