/**
 * `--query EXPR`: a JMESPath expression (https://jmespath.site, the community edition that aws CLI's
 * syntax follows) applied to the JSON answer before it is formatted. The library is loaded only when
 * the flag is used, so other runs do not pay for it.
 */
import { UsageError } from './errors.js';

/** A compiled expression: the answer (JSON values) in, the selected value out. */
export type Query = (data: unknown) => unknown;

/**
 * Compiles `expression`. Errors: `UsageError` (exit 2) naming `--query` and the parser's message
 * for a syntax error, so an invalid expression stops the run before anything is sent. An error met
 * while evaluating (a function given the wrong type) is a `UsageError` too.
 */
export async function compileQuery(expression: string): Promise<Query> {
  const jmespath = await import('@jmespath-community/jmespath');
  if (!expression.trim()) throw new UsageError('--query: the expression is empty');
  let ast: ReturnType<typeof jmespath.compile>;
  try {
    ast = jmespath.compile(expression);
  } catch (err) {
    throw new UsageError(`--query: invalid JMESPath expression '${expression}': ${(err as Error).message}`);
  }
  return (data) => {
    try {
      return jmespath.TreeInterpreter.search(ast, data as Parameters<typeof jmespath.search>[0]);
    } catch (err) {
      throw new UsageError(`--query '${expression}': ${(err as Error).message}`);
    }
  };
}
