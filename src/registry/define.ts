import type { EndpointDef, Group, HttpMethod } from './types.js';

/** What a group file writes: the facts that differ between endpoints; the rest has safe defaults. */
export type EndpointSpec = Omit<
  EndpointDef,
  'id' | 'api' | 'methods' | 'answer' | 'exclusive' | 'contactsDevice' | 'aiCamera' | 'repeatable' | 'summaryJa'
> & {
  group: Group;
  summaryJa: string;
  api?: EndpointDef['api'];
  methods?: readonly HttpMethod[];
  answer?: EndpointDef['answer'];
  exclusive?: boolean;
  contactsDevice?: boolean;
  aiCamera?: boolean;
  repeatable?: boolean;
};

const BOTH: readonly HttpMethod[] = ['GET', 'POST'];

/**
 * Fills the defaults (facetCloud, GET+POST, JSON answer, no exclusive control, no device contact,
 * not repeatable) so that each entry states only what its document section says. `aiCamera`
 * defaults to true for cloud-only endpoints because the document says those work for AI cameras too.
 */
export function defineEndpoint<const G extends Group, const A extends string>(
  spec: EndpointSpec & { group: G; action: A },
): EndpointDef & { readonly id: `${G}.${A}` } {
  const contactsDevice = spec.contactsDevice ?? false;
  return Object.freeze({
    ...spec,
    id: `${spec.group}.${spec.action}` as const,
    api: spec.api ?? 'facetcloud',
    methods: spec.methods ?? BOTH,
    answer: spec.answer ?? 'json',
    exclusive: spec.exclusive ?? false,
    contactsDevice,
    aiCamera: spec.aiCamera ?? !contactsDevice,
    repeatable: spec.repeatable ?? false,
  });
}
