/*
 * PromQL as Prometheus parses it: Prometheus's own grammar (@prometheus-io/lezer-promql). Its
 * typings resolve to the ES module, so the CommonJS build is loaded with require.
 */
interface SyntaxNode { readonly type: { readonly isError: boolean; readonly name: string }; readonly from: number; readonly to: number }
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as { parser: { parse(text: string): { iterate(o: { enter(n: SyntaxNode): void }): void } } };

/** Syntax errors lezer found in a PromQL expression (empty when it parses). */
export function promqlErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.type.isError) errors.push(`error at ${n.from}: ${JSON.stringify(expr.slice(Math.max(0, n.from - 10), n.to + 10))}`);
    },
  });
  return errors;
}

/** Every series selector of an expression: its metric name and its job matcher (undefined when absent). */
export function selectorsIn(expr: string): { metric: string; job?: string }[] {
  const out: { metric: string; job?: string }[] = [];
  parser.parse(expr).iterate({
    enter: (n) => {
      if (n.type.name !== 'VectorSelector') return;
      const text = expr.slice(n.from, n.to);
      out.push({ metric: /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(text)?.[0] ?? text, job: /\bjob="([^"]+)"/.exec(text)?.[1] });
    },
  });
  return out;
}

/** The values of every job="..." matcher in an expression. */
export function jobsIn(expr: string): string[] {
  return [...expr.matchAll(/\bjob="([^"]+)"/g)].map((m) => m[1]);
}
