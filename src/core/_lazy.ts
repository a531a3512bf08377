import { Lazy } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * A value rendered at serialization (cdk8s Lazy), whose failure names the
 * construct and the field being rendered: cdk8s itself only names the ApiObject
 * it was serializing, which can belong to another component than the cause.
 * The original error stays as `cause`, and its text is kept whole.
 */
export function lazyValue<T>(scope: IConstruct, field: string, produce: () => T): any {
  return Lazy.any({
    produce: () => {
      try {
        return produce();
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        throw Object.assign(new Error(`[${scope.node.path || scope.node.id}] rendering '${field}' failed:\n${message}`), { cause: e });
      }
    },
  });
}
