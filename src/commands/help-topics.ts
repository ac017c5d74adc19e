/** `facetctl help TOPIC`: texts generated from the tables the code uses (environment variables, exit codes). */
import { environmentHelp } from '../core/environment.js';
import { exitCodesHelp } from '../core/errors.js';

export const HELP_TOPICS: Readonly<Record<string, { description: string; text: () => string }>> = {
  environment: {
    description: 'every environment variable facetctl reads, with its precedence',
    text: environmentHelp,
  },
  'exit-codes': { description: 'what each exit code means', text: exitCodesHelp },
};
