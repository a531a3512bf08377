import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { clusterScoped } from '../core/_api-objects';
import { checkCall, checkProps } from '../core/_boundary';
import { ComponentContext, componentContext, record } from '../core/_component';
import { meta, plainObject } from '../core/_k8s';
import { lazyValue } from '../core/_lazy';
import { parseIp } from '../core/_net';
import type { NetworkPlan } from '../core/_plan';
import { ClusterProfile } from '../core/cluster-profile';
import { DecisionSource } from '../core/report-types';
import { ScaleTier } from '../core/scale-tier';

/** Which traffic a default-deny policy blocks. */
export enum DenyDirection {
  /** Both directions: the guide's `default-deny-all`. */
  INGRESS_AND_EGRESS = 'IngressAndEgress',
  /** Incoming traffic only. */
  INGRESS = 'Ingress',
  /** Outgoing traffic only. */
  EGRESS = 'Egress',
}

/** Pod Security Standards level for a namespace's `pod-security.kubernetes.io/*` labels. */
export enum PodSecurityLevel {
  /** No restrictions (node agents such as kube-proxy need it). */
  PRIVILEGED = 'privileged',
  /** Blocks known privilege escalations. */
  BASELINE = 'baseline',
  /** Hardened pods. */
  RESTRICTED = 'restricted',
}

/** Options of `DefaultDenyPolicy`: its properties except the tier and the profile, which a parent such as `NetworkTuning` decides once for every component. */
export interface DefaultDenyPolicyOptions {
  /** Namespaces to protect (one policy set per namespace). */
  readonly namespaces: string[];

  /**
   * What to deny.
   *
   * @default DenyDirection.INGRESS_AND_EGRESS (the guide's policy)
   */
  readonly direction?: DenyDirection;

  /**
   * Allow DNS (UDP and TCP 53) to the kube-dns pods, and to NodeLocal DNSCache when
   * the app has one. Without it, pods cannot resolve names once egress is denied.
   *
   * @default true
   */
  readonly allowDns?: boolean;

  /**
   * Allow egress to the Kubernetes API server (for operators and in-cluster clients).
   *
   * @default false
   */
  readonly allowApiServer?: boolean;

  /**
   * The API server's endpoint addresses as CIDRs (what the `kubernetes` Service's
   * EndpointSlice lists; policies see traffic after kube-proxy rewrote the ClusterIP).
   *
   * @default - the profile's apiServerHost as a /32 (or /128), when it is an IP
   */
  readonly apiServerCidrs?: string[];

  /**
   * Allow traffic between pods of the same namespace (both directions).
   *
   * @default false
   */
  readonly allowSameNamespace?: boolean;

  /**
   * Emit the Namespace objects too, with Pod Security labels.
   *
   * @default false (the namespaces exist already)
   */
  readonly createNamespaces?: boolean;

  /**
   * Pod Security level for created namespaces (enforce, audit and warn, pinned to the profile's version).
   *
   * @default PodSecurityLevel.BASELINE
   */
  readonly podSecurityLevel?: PodSecurityLevel;

  /**
   * Allow default deny in the namespaces that run the cluster's own agents
   * (kube-system, calico-system, tigera-operator, kube-flannel, cilium). CoreDNS, kube-proxy and the CNI live there: their
   * traffic (CoreDNS's ingress from every namespace and node, its egress to the
   * API server and upstreams, metrics scraping) must then be allowed by policies
   * of your own, and DEFAULT-DENY-DNS still fails synthesis while DNS is blocked.
   * Created system namespaces stay at Pod Security `privileged`.
   *
   * @default false (such a namespace is an error)
   */
  readonly protectSystemNamespaces?: boolean;
}

/** Properties of `DefaultDenyPolicy`. */
export interface DefaultDenyPolicyProps extends DefaultDenyPolicyOptions {
  /**
   * The scale tier.
   *
   * @default ScaleTier.SMALL
   */
  readonly tier?: ScaleTier;

  /**
   * The cluster (kube-dns IP, API server, version).
   *
   * @default - a default ClusterProfile
   */
  readonly profile?: ClusterProfile;
}

/** Namespaces where kubeadm and the CNIs run the cluster's own agents. */
// (kube-public and kube-node-lease hold a ConfigMap and Leases, no pods: default deny there is harmless)
const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'calico-system', 'tigera-operator', 'kube-flannel', 'cilium'];

const KUBE_DNS_PEER: k8s.NetworkPolicyPeer = {
  // One peer with both selectors: the kube-dns pods *in* kube-system. Two
  // separate peers would allow all of kube-system.
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};

// JSON-shaped (a number, not IntOrString): these policies are plain ApiObjects (see plainObject)
const DNS_PORTS = [
  { protocol: 'UDP', port: 53 },
  { protocol: 'TCP', port: 53 },
];

/**
 * The guide's "使用命名空间级别的默认策略": a `default-deny-all` NetworkPolicy
 * (empty pod selector, `Ingress` and `Egress` policy types) in each namespace —
 * and, unless turned off, the DNS allowance that keeps name resolution working:
 * UDP and TCP 53 to the kube-dns pods, plus NodeLocal DNSCache's link-local IP
 * (it runs on the host network, which selectors never match) and, when
 * node-local-dns answers on the kube-dns ClusterIP (kube-proxy iptables mode),
 * that IP too.
 */
export class DefaultDenyPolicy extends Construct {
  /** The protected namespaces. */
  public readonly namespaces: string[];

  private readonly ctx: ComponentContext;
  private readonly createdNamespaces = new Map<string, ApiObject>();
  private readonly policiesByNamespace = new Map<string, ApiObject[]>();

  public constructor(scope: Construct, id: string, props: DefaultDenyPolicyProps) {
    super(scope, id);
    props = checkProps(this, 'DefaultDenyPolicyProps', props);
    this.ctx = componentContext(this, props.tier, props.profile);
    const { errors, profile, state } = this.ctx;
    const direction = props.direction ?? DenyDirection.INGRESS_AND_EGRESS;
    errors.oneOf('direction', direction, Object.values(DenyDirection));
    const namespaces = props.namespaces ?? [];
    if (namespaces.length === 0) errors.add('namespaces', namespaces, 'must list at least one namespace');
    namespaces.forEach((ns, i) => errors.namespace(`namespaces[${i}]`, ns));
    const dup = namespaces.find((ns, i) => namespaces.indexOf(ns) !== i);
    if (dup) errors.add('namespaces', dup, 'is listed twice');
    const level = props.podSecurityLevel ?? PodSecurityLevel.BASELINE;
    errors.oneOf('podSecurityLevel', level, Object.values(PodSecurityLevel));
    const protectSystem = props.protectSystemNamespaces ?? false;
    namespaces.forEach((ns, i) => {
      if (!SYSTEM_NAMESPACES.includes(ns)) return;
      if (!protectSystem) {
        errors.add(`namespaces[${i}]`, ns, "runs the cluster's own agents (CoreDNS, kube-proxy, the CNI): default deny there cuts CoreDNS off from pods, nodes, "
          + "the API server and its upstreams unless policies of your own allow them; set 'protectSystemNamespaces' to true to do it anyway");
      } else if (props.createNamespaces && props.podSecurityLevel !== undefined && props.podSecurityLevel !== PodSecurityLevel.PRIVILEGED) {
        // kube-proxy, node-local-dns, the CNI agents and the sysctl tuner are privileged host-network pods
        errors.add('podSecurityLevel', props.podSecurityLevel, `would refuse the privileged node agents in ${ns}: system namespaces stay 'privileged'`);
      }
    });
    if (props.podSecurityLevel !== undefined && !props.createNamespaces) {
      errors.addMissing('podSecurityLevel', "only applies with 'createNamespaces' (labels go on the Namespace objects)");
    }

    const denyIngress = direction !== DenyDirection.EGRESS;
    const denyEgress = direction !== DenyDirection.INGRESS;
    const allowDns = props.allowDns ?? true;
    const apiServerCidrs = props.allowApiServer ? this.apiServerCidrs(props.apiServerCidrs) : [];
    errors.throwIfAny();
    this.namespaces = [...namespaces];

    // allowDns: false is valid when another policy allows DNS; DEFAULT-DENY-DNS traces the
    // namespaces at synthesis and fails when none does.
    if (denyIngress && namespaces.includes('kube-system')) {
      state.warn(this, 'DENY-KUBE-SYSTEM',
        'ingress is denied in kube-system: CoreDNS then only answers pods this library allows (it adds allow-dns-ingress from every namespace), '
        + 'not node-local-dns or host-network pods on node IPs, and metrics scraping stops',
        'add an ingress policy for your node CIDR on 53 and for your monitoring namespace on the metrics ports, or protect only application namespaces');
    }

    const dnsPeers = lazyValue(this, 'allow-dns-egress egress[0].to', () => this.dnsPeers());
    // Cilium's DNS allowance is an object of its own: decided from the plan as it stands now.
    const needsCiliumHostDns = (plan: NetworkPlan) => denyEgress && allowDns && plan.policy.hostIdentity && plan.dns.nodeLocal !== undefined;
    const ciliumHostDns = needsCiliumHostDns(state.plan());
    const psaVersion = `v${profile.kubernetesVersion.version}`;
    for (const ns of namespaces) {
      const policies: ApiObject[] = [];
      this.policiesByNamespace.set(ns, policies);
      if (props.createNamespaces) {
        const nsLevel = SYSTEM_NAMESPACES.includes(ns) ? PodSecurityLevel.PRIVILEGED : level;
        this.createdNamespaces.set(ns, clusterScoped(plainObject(this, `Namespace-${ns}`, 'v1', 'Namespace',
          meta(ns, undefined, {
            'pod-security.kubernetes.io/enforce': nsLevel,
            'pod-security.kubernetes.io/enforce-version': psaVersion,
            'pod-security.kubernetes.io/audit': nsLevel,
            'pod-security.kubernetes.io/audit-version': psaVersion,
            'pod-security.kubernetes.io/warn': nsLevel,
            'pod-security.kubernetes.io/warn-version': psaVersion,
          }))));
      }
      policies.push(plainObject(this, `DefaultDeny-${ns}`, 'networking.k8s.io/v1', 'NetworkPolicy', meta('default-deny-all', ns), {
        spec: {
          podSelector: {},
          policyTypes: [...(denyIngress ? ['Ingress'] : []), ...(denyEgress ? ['Egress'] : [])],
        },
      }));
      if (denyEgress && allowDns) {
        policies.push(plainObject(this, `AllowDns-${ns}`, 'networking.k8s.io/v1', 'NetworkPolicy', meta('allow-dns-egress', ns), {
          spec: {
            podSelector: {},
            // Egress must be listed: an egress-only policy without it does nothing.
            policyTypes: ['Egress'],
            egress: [{ to: dnsPeers, ports: DNS_PORTS }],
          },
        }));
        if (ciliumHostDns) {
          // Cilium gives node addresses the host identity, which CIDR rules never select
          // (cilium/cilium#18644; CiliumNetworkPolicy docs, "IP/CIDR based"): node-local-dns on the
          // host network is reachable only through the host entity. The ipBlock above stays for the
          // moments an agent restart lists the address as world (cilium/cilium#33144).
          policies.push(new ApiObject(this, `AllowNodeLocalDns-${ns}`, {
            apiVersion: 'cilium.io/v2',
            kind: 'CiliumNetworkPolicy',
            metadata: meta('allow-node-local-dns-egress', ns),
            spec: {
              endpointSelector: {},
              egress: [{
                toEntities: ['host'],
                toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }] }],
              }],
            },
          }));
        }
      }
      if (denyIngress && allowDns && ns === 'kube-system') {
        policies.push(plainObject(this, `AllowDnsIngress-${ns}`, 'networking.k8s.io/v1', 'NetworkPolicy', meta('allow-dns-ingress', ns), {
          spec: {
            podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ namespaceSelector: {} }], ports: DNS_PORTS }],
          },
        }));
      }
      if (props.allowSameNamespace) {
        policies.push(plainObject(this, `AllowSameNamespace-${ns}`, 'networking.k8s.io/v1', 'NetworkPolicy', meta('allow-same-namespace', ns), {
          spec: {
            podSelector: {},
            policyTypes: [...(denyIngress ? ['Ingress'] : []), ...(denyEgress ? ['Egress'] : [])],
            ...(denyIngress ? { ingress: [{ from: [{ podSelector: {} }] }] } : {}),
            ...(denyEgress ? { egress: [{ to: [{ podSelector: {} }] }] } : {}),
          },
        }));
      }
      if (apiServerCidrs.length > 0 && denyEgress) {
        policies.push(plainObject(this, `AllowApiServer-${ns}`, 'networking.k8s.io/v1', 'NetworkPolicy', meta('allow-apiserver-egress', ns), {
          spec: {
            podSelector: {},
            policyTypes: ['Egress'],
            egress: [{ to: apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [{ protocol: 'TCP', port: profile.apiServerPort }] }],
          },
        }));
      }
    }
    record(this.ctx, 'policyTypes', direction, props.direction ? DecisionSource.OVERRIDE : DecisionSource.TIER,
      props.direction ? 'set by the user' : 'guide: default-deny-all denies Ingress and Egress');

    state.register({
      kind: 'default-deny',
      scope: this,
      profile,
      tier: this.ctx.tier,
      namespaces: this.namespaces,
      deniesIngress: denyIngress,
      deniesEgress: denyEgress,
      allowsDns: allowDns,
      planChecks: [{
        what: 'the CiliumNetworkPolicy allow-node-local-dns-egress (Cilium with NodeLocal DNSCache needs it)',
        atConstruction: ciliumHostDns ? 'emitted' : 'not emitted',
        current: (plan) => (needsCiliumHostDns(plan) ? 'emitted' : 'not emitted'),
        fix: 'create the CNI and NodeLocalDns components before DefaultDenyPolicy (NetworkTuning does)',
      }],
    }, () => this.prepare(ciliumHostDns));
  }

  /**
   * kube-dns pods, plus the addresses node-local-dns answers on when the app has it: the
   * link-local IP, and in kube-proxy iptables mode the kube-dns ClusterIP itself (NOTRACK:
   * no DNAT to a pod, so policies see that address; projectcalico/calico#3795).
   */
  private dnsPeers(): k8s.NetworkPolicyPeer[] {
    const ips = this.ctx.state.plan().dns.nodeLocalIps;
    return [KUBE_DNS_PEER, ...ips.map((ip) => ({ ipBlock: { cidr: hostCidr(ip) } }))];
  }

  /**
   * The policies emitted in one of the protected namespaces (default-deny-all first, then the
   * allowances), for escape hatches such as `addJsonPatch`.
   */
  public policiesIn(namespaceName: string): ApiObject[] {
    [namespaceName] = checkCall('DefaultDenyPolicy#policiesIn', [namespaceName]) as [string];
    return [...this.policiesOf(namespaceName, 'policiesIn')];
  }

  /**
   * The Namespace object of a protected namespace (with `createNamespaces`).
   *
   * @returns undefined when this policy does not create the namespace
   */
  public namespaceObject(namespaceName: string): ApiObject | undefined {
    [namespaceName] = checkCall('DefaultDenyPolicy#namespaceObject', [namespaceName]) as [string];
    this.policiesOf(namespaceName, 'namespaceObject');
    return this.createdNamespaces.get(namespaceName);
  }

  private policiesOf(namespace: string, method: string): ApiObject[] {
    const policies = this.policiesByNamespace.get(namespace);
    if (!policies) {
      throw new Error(`[DefaultDenyPolicy.${method}] 'namespaceName' (${namespace}) is not one of the namespaces ${this.node.path} protects (${this.namespaces.slice(0, 5).join(', ')}${this.namespaces.length > 5 ? `, and ${this.namespaces.length - 5} more` : ''})`);
    }
    return policies;
  }

  /**
   * Every object of the app in a namespace this policy creates depends on the Namespace, so cdk8s
   * writes it first (in its chart's file, and the charts in dependency order with numbered file
   * names): one `kubectl apply -f <dir>` then never meets "namespaces not found".
   */
  private orderAfterNamespaces(): void {
    if (this.createdNamespaces.size === 0) return;
    const { state } = this.ctx;
    const byNamespace = state.memo('objects-by-namespace', () => {
      const index = new Map<string, ApiObject[]>();
      for (const obj of state.apiObjects()) {
        const ns = obj.metadata.namespace;
        if (ns === undefined) continue;
        const list = index.get(ns) ?? [];
        list.push(obj);
        index.set(ns, list);
      }
      return index;
    });
    for (const [ns, namespaceObject] of this.createdNamespaces) {
      for (const obj of byNamespace.get(ns) ?? []) {
        if (obj !== namespaceObject && obj.kind !== 'Namespace') obj.node.addDependency(namespaceObject);
      }
    }
  }

  private prepare(ciliumHostDns: boolean): void {
    this.orderAfterNamespaces();
    const peers = this.dnsPeers();
    record(this.ctx, 'allow-dns-egress peers', peers.map((p) => p.ipBlock?.cidr ?? 'kube-system/k8s-app=kube-dns').join(', '), DecisionSource.DERIVED,
      peers.length > 1 ? 'kube-dns pods, and NodeLocal DNSCache on the host network (ipBlock), which pod selectors never match' : 'the kube-dns pods (no NodeLocal DNSCache in the app)');
    if (ciliumHostDns) {
      record(this.ctx, 'allow-node-local-dns-egress', 'CiliumNetworkPolicy toEntities [host] on 53/UDP and 53/TCP', DecisionSource.COMPATIBILITY,
        'Cilium: node-local-dns listens on the host network, whose addresses carry the host identity that ipBlock rules never select (cilium/cilium#18644)');
    }
  }

  private apiServerCidrs(given: string[] | undefined): string[] {
    const { errors, profile } = this.ctx;
    if (given !== undefined) {
      if (given.length === 0) errors.add('apiServerCidrs', given, 'must list at least one CIDR');
      given.forEach((c, i) => errors.cidr(`apiServerCidrs[${i}]`, c));
      return [...given];
    }
    const host = profile.apiServerHost;
    if (!host || !parseIp(host)) {
      errors.addMissing('allowApiServer', `needs 'apiServerCidrs' or an IP address as the profile's 'apiServerHost' (${host ?? 'not set'}): policies match the API server's endpoint addresses, not names or the 'kubernetes' ClusterIP`);
      return [];
    }
    return [hostCidr(host)];
  }
}

function hostCidr(ip: string): string {
  return parseIp(ip)?.family === 6 ? `${ip}/128` : `${ip}/32`;
}
