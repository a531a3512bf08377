import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PolicyPeer } from './policy-peer';
import { checkProps, registerValueClass } from '../core/_boundary';
import { ConfigErrors } from '../core/_errors';
import { isDnsSubdomain } from '../core/_net';

/** One rule of an allow policy: these peers, on these ports. */
export interface AllowRule {
  /** Who (any one of them). */
  readonly peers: PolicyPeer[];
  /** Which ports, each with its protocol (`kplus.NetworkPolicyPort.tcp(8080)`, `.udp(53)`, ...). */
  readonly ports: kplus.NetworkPolicyPort[];
}

/** Properties of `AllowPolicy`. */
export interface AllowPolicyProps {
  /** Labels of the pods the policy applies to (`podSelector.matchLabels`), e.g. `{ app: 'my-app' }`. */
  readonly podLabels: Record<string, string>;

  /**
   * Traffic allowed in. Setting it (even to an empty list) makes the policy restrict ingress.
   *
   * @default - the policy does not restrict ingress
   */
  readonly ingress?: AllowRule[];

  /**
   * Traffic allowed out. Setting it restricts egress: include DNS, or the selected pods
   * cannot resolve names (PolicyLint reports it).
   *
   * @default - the policy does not restrict egress
   */
  readonly egress?: AllowRule[];

  /**
   * The policy's namespace.
   *
   * @default - the chart's namespace
   */
  readonly policyNamespace?: string;

  /**
   * The policy's name.
   *
   * @default - generated from the construct path
   */
  readonly name?: string;
}

/**
 * The guide's `allow-app` policy, typed: select pods by labels and allow traffic
 * from (or to) pods, namespaces or both, on specific ports with explicit
 * protocols. It is a cdk8s-plus `NetworkPolicy` (see `policy`), so cdk8s-plus
 * peers, workloads and ports work with it unchanged.
 *
 * @example
 * new AllowPolicy(chart, 'allow-app', {
 *   policyNamespace: 'production',
 *   podLabels: { app: 'my-app' },
 *   ingress: [{ peers: [PolicyPeer.pods({ role: 'frontend' })], ports: [kplus.NetworkPolicyPort.tcp(8080)] }],
 * });
 */
export class AllowPolicy extends Construct {
  /** The cdk8s-plus NetworkPolicy, for further rules (`addIngressRule`, `addEgressRule`). */
  public readonly policy: kplus.NetworkPolicy;

  public constructor(scope: Construct, id: string, props: AllowPolicyProps) {
    super(scope, id);
    props = checkProps(this, 'AllowPolicyProps', props);
    const errors = new ConfigErrors(this);
    errors.labels('podLabels', props.podLabels, true);
    errors.namespace('policyNamespace', props.policyNamespace);
    if (props.name !== undefined && !isDnsSubdomain(props.name)) errors.add('name', props.name, 'must be a lowercase DNS name');
    if (props.ingress === undefined && props.egress === undefined) {
      errors.addMissing('ingress', "or 'egress' must be set: a policy without either restricts nothing");
    }
    for (const [direction, rules] of [['ingress', props.ingress], ['egress', props.egress]] as const) {
      (rules ?? []).forEach((rule, i) => {
        if (!rule.peers || rule.peers.length === 0) errors.add(`${direction}[${i}].peers`, rule.peers, 'must list at least one peer (an empty list would allow everyone)');
        if (!rule.ports || rule.ports.length === 0) errors.add(`${direction}[${i}].ports`, rule.ports, 'must list specific ports (kplus.NetworkPolicyPort.tcp(8080), .udp(53), ...)');
      });
    }
    errors.throwIfAny();

    this.policy = new kplus.NetworkPolicy(this, 'Policy', {
      metadata: { ...(props.name ? { name: props.name } : {}), ...(props.policyNamespace ? { namespace: props.policyNamespace } : {}) },
      selector: kplus.Pods.select(this, 'Selector', { labels: props.podLabels }),
      // A direction that is set but empty still restricts that direction.
      ingress: props.ingress !== undefined ? { default: kplus.NetworkPolicyTrafficDefault.DENY } : undefined,
      egress: props.egress !== undefined ? { default: kplus.NetworkPolicyTrafficDefault.DENY } : undefined,
    });
    (props.ingress ?? []).forEach((rule, i) => rule.peers.forEach((peer, j) =>
      this.policy.addIngressRule(peer._bind(this, `Ingress${i}Peer${j}`), rule.ports)));
    (props.egress ?? []).forEach((rule, i) => rule.peers.forEach((peer, j) =>
      this.policy.addEgressRule(peer._bind(this, `Egress${i}Peer${j}`), rule.ports)));
  }
}

// AllowRule ports are cdk8s-plus NetworkPolicyPort values.
registerValueClass('kplus.NetworkPolicyPort', kplus.NetworkPolicyPort);
