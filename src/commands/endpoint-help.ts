import type { EndpointDef } from '../registry/index.js';
import { flagNameOf } from './endpoint-flags.js';

/** The lines under the options in `--help`: where the call goes, what it costs, an example. */
export function endpointHelpFooter(ep: EndpointDef): string {
  const api = ep.api === 'senselink' ? 'SenseLink' : 'facetCloud';
  const lines = [
    '',
    `API: ${api} ${ep.methods.join('|')} ${ep.path}  (action: ${ep.action}; \`facetctl ${ep.group} ${ep.action}\` works too)`,
  ];
  // The document's △ marks: at least one of these alternatives must be given in full.
  for (const alternatives of ep.oneOf ?? []) {
    const options = alternatives.map((alt) => alt.map((name) => flagOfWire(ep, name)).join(' with '));
    lines.push(`Required: one of ${options.join(', or ')} (the document's △)`);
  }
  const notes: string[] = [];
  if (ep.contactsDevice) notes.push('contacts the device (slower; 503 when it is offline)');
  if (ep.exclusive) notes.push('exclusive: one request per device at a time, a concurrent one is refused');
  if (ep.contactsDevice && !ep.aiCamera) notes.push('not supported by AI cameras');
  if (ep.multiDevice) notes.push('--serial may be repeated: one call per device, reported per device');
  if (ep.destructive) notes.push('destructive: asks for confirmation on a terminal, needs --yes otherwise');
  if (ep.paging) notes.push(pagingNote(ep));
  if (ep.answer === 'binary') notes.push('answers bytes: --out FILE (required when stdout is a terminal)');
  if (!ep.repeatable) notes.push('never retried automatically');
  if (ep.unavailable) notes.push('the document says this API is currently unavailable');
  for (const n of notes) lines.push(`Note: ${n}`);
  lines.push('', 'Example:', `  $ facetctl ${ep.example}`);
  return lines.join('\n');
}

/** Where the caller chooses the size, one call gets the API's default, not the size --all asks for. */
function pagingNote(ep: EndpointDef): string {
  const paging = ep.paging!;
  const size = paging.sizeParam ? ep.params[paging.sizeParam] : undefined;
  if (!paging.sizeParam || !size) return `lists ${paging.pageSize} rows a page: --page N, or --all for every page`;
  const flag = `--${flagNameOf(ep, paging.sizeParam, size)}`;
  const rows = size.default !== undefined ? `${size.default} rows a page by default` : 'a page at a time';
  const max = size.max !== undefined ? ` up to ${size.max}` : '';
  return `lists ${rows} (${flag} N${max}): --page N, or --all for every page`;
}

export function endpointDescription(ep: EndpointDef): string {
  return `${ep.summary} (${ep.summaryJa})`;
}

/** The CLI flag (`--recog-log-id`) of a wire parameter, as the generated command names it. */
function flagOfWire(ep: EndpointDef, name: string): string {
  const def = ep.params[name];
  return def ? `--${flagNameOf(ep, name, def)}` : name;
}
