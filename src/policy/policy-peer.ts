import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkCall, registerValueClass } from '../core/_boundary';
import { ConfigErrors } from '../core/_errors';
import { cidrContains } from '../core/_net';

/**
 * Who a policy rule allows: pods, namespaces, both at once, or an IP block. Built
 * on cdk8s-plus peers (and `of()` takes any cdk8s-plus peer as is), so the
 * emitted NetworkPolicy is cdk8s-plus's own.
 */
export class PolicyPeer {
  /** Pods with these labels in the policy's own namespace (`podSelector`). */
  public static pods(labels: Record<string, string>): PolicyPeer {
    [labels] = checkCall('PolicyPeer.pods', [labels]) as [Record<string, string>];
    const errors = new ConfigErrors('PolicyPeer.pods');
    errors.labels('labels', labels, true);
    errors.throwIfAny();
    return new PolicyPeer(`pods(${labelText(labels)})`, (scope, id) => kplus.Pods.select(scope, id, { labels }));
  }

  /**
   * Pods with these labels in the named namespaces: `namespaceSelector` and
   * `podSelector` in one peer, so both must match (two peers would allow either).
   */
  public static podsInNamespaces(labels: Record<string, string>, namespaces: string[]): PolicyPeer {
    [labels, namespaces] = checkCall('PolicyPeer.podsInNamespaces', [labels, namespaces]) as [Record<string, string>, string[]];
    const errors = new ConfigErrors('PolicyPeer.podsInNamespaces');
    errors.labels('labels', labels, true);
    checkNamespaces(errors, namespaces);
    errors.throwIfAny();
    return new PolicyPeer(`pods(${labelText(labels)}) in ${namespaces.join(',')}`, (scope, id) => kplus.Pods.select(scope, id, {
      labels,
      namespaces: kplus.Namespaces.select(scope, `${id}Namespaces`, { names: namespaces }),
    }));
  }

  /** Every pod of the named namespaces (selected by `kubernetes.io/metadata.name`). */
  public static namespaces(...names: string[]): PolicyPeer {
    names = checkCall('PolicyPeer.namespaces', names) as string[];
    const errors = new ConfigErrors('PolicyPeer.namespaces');
    checkNamespaces(errors, names);
    errors.throwIfAny();
    return new PolicyPeer(`namespaces(${names.join(',')})`, (scope, id) => kplus.Namespaces.select(scope, id, { names }));
  }

  /** Every pod of the namespaces with these labels. */
  public static namespacesLabelled(labels: Record<string, string>): PolicyPeer {
    [labels] = checkCall('PolicyPeer.namespacesLabelled', [labels]) as [Record<string, string>];
    const errors = new ConfigErrors('PolicyPeer.namespacesLabelled');
    errors.labels('labels', labels, true);
    errors.throwIfAny();
    return new PolicyPeer(`namespaces(${labelText(labels)})`, (scope, id) => kplus.Namespaces.select(scope, id, { labels }));
  }

  /** Addresses outside the cluster (`ipBlock`); prefer selectors for pods. */
  public static ipBlock(cidr: string, exceptCidrs: string[] = []): PolicyPeer {
    [cidr, exceptCidrs = []] = checkCall('PolicyPeer.ipBlock', [cidr, exceptCidrs]) as [string, string[]];
    const errors = new ConfigErrors('PolicyPeer.ipBlock');
    const block = errors.cidr('cidr', cidr);
    exceptCidrs.forEach((e, i) => {
      const inner = errors.cidr(`exceptCidrs[${i}]`, e);
      const inside = block && inner && inner.family === block.family && inner.prefix > block.prefix
        && cidrContains(block, { family: inner.family, value: inner.network, text: e });
      if (block && inner && !inside) {
        errors.add(`exceptCidrs[${i}]`, e, `must lie inside 'cidr' (${cidr})`);
      }
    });
    errors.throwIfAny();
    return new PolicyPeer(`ipBlock(${cidr})`, (scope, id) => (block!.family === 4
      ? kplus.NetworkPolicyIpBlock.ipv4(scope, id, cidr, exceptCidrs.length > 0 ? exceptCidrs : undefined)
      : kplus.NetworkPolicyIpBlock.ipv6(scope, id, cidr, exceptCidrs.length > 0 ? exceptCidrs : undefined)));
  }

  /** Any cdk8s-plus peer: `kplus.Pods.select(...)`, a Deployment, `kplus.Namespaces.all()`, ... */
  public static of(peer: kplus.INetworkPolicyPeer): PolicyPeer {
    [peer] = checkCall('PolicyPeer.of', [peer]) as [kplus.INetworkPolicyPeer];
    return new PolicyPeer('cdk8s-plus peer', () => peer);
  }

  /** A short description, for messages and reports. */
  public readonly description: string;

  private constructor(description: string, private readonly bindTo: (scope: Construct, id: string) => kplus.INetworkPolicyPeer) {
    this.description = description;
  }

  /** @internal the cdk8s-plus peer, created under `scope` */
  public _bind(scope: Construct, id: string): kplus.INetworkPolicyPeer {
    return this.bindTo(scope, id);
  }
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

function checkNamespaces(errors: ConfigErrors, names: string[]): void {
  if (names.length === 0) errors.add('namespaces', names, 'must name at least one namespace');
  names.forEach((n, i) => errors.namespace(`namespaces[${i}]`, n));
}

registerValueClass('PolicyPeer', PolicyPeer);
