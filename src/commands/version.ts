/** facetctl's version, from package.json. */
import { readFileSync } from 'node:fs';

let version: string | undefined;

/** The `version` field of package.json, which sits two levels up from both src/commands and dist/commands. */
export function packageVersion(): string {
  if (!version) {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    version = pkg.version;
  }
  return version;
}
