import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  ClusterProfile, DefaultDenyPolicy, DefaultDenyPolicyProps, DenyDirection, DnsHopKind, KubeProxyMode, KubernetesVersion, NodeLocalDns,
  PodSecurityLevel, ScaleTier, TunedKubeProxy, TuningReport,
} from '../../src';
import { only, synthValid } from '../util';

function render(props: Partial<DefaultDenyPolicyProps> = {}, others?: (chart: any) => void) {
  const chart = Testing.chart();
  new DefaultDenyPolicy(chart, 'Deny', { namespaces: ['production'], ...props });
  others?.(chart);
  return { chart, objs: synthValid(chart) };
}

const KUBE_DNS = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };
const DNS_PORTS = [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }];

describe('DefaultDenyPolicy', () => {
  test('the guide\'s default-deny-all, plus the DNS allowance (UDP and TCP 53, kube-dns pods in kube-system, one peer)', () => {
    const { objs } = render();
    expect(objs.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'NetworkPolicy/production/default-deny-all', 'NetworkPolicy/production/allow-dns-egress',
    ]);
    expect(only(objs, 'NetworkPolicy', 'default-deny-all').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(only(objs, 'NetworkPolicy', 'allow-dns-egress').spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [KUBE_DNS], ports: DNS_PORTS }] });
  });

  test('many namespaces get one set each', () => {
    const { objs } = render({ namespaces: ['a', 'b', 'c'] });
    expect(objs.filter((o) => o.metadata.name === 'default-deny-all').map((o) => o.metadata.namespace)).toEqual(['a', 'b', 'c']);
    expect(objs.filter((o) => o.metadata.name === 'allow-dns-egress')).toHaveLength(3);
  });

  test('ingress-only and egress-only', () => {
    const ingress = render({ direction: DenyDirection.INGRESS }).objs;
    expect(ingress).toHaveLength(1);
    expect(ingress[0].spec.policyTypes).toEqual(['Ingress']);
    const egress = render({ direction: DenyDirection.EGRESS }).objs;
    expect(only(egress, 'NetworkPolicy', 'default-deny-all').spec.policyTypes).toEqual(['Egress']);
    expect(only(egress, 'NetworkPolicy', 'allow-dns-egress')).toBeDefined();
  });

  test('with NodeLocal DNS in iptables mode: its link-local IP and the kube-dns ClusterIP as /32 ipBlocks', () => {
    const { objs } = render({}, (c) => new NodeLocalDns(c, 'NodeLocalDns'));
    expect(only(objs, 'NetworkPolicy', 'allow-dns-egress').spec.egress[0].to).toEqual([
      KUBE_DNS, { ipBlock: { cidr: '169.254.20.10/32' } }, { ipBlock: { cidr: '10.96.0.10/32' } },
    ]);
  });

  test('with NodeLocal DNS in IPVS mode: only its link-local IP (kube-dns traffic reaches the pods after DNAT)', () => {
    const { objs, chart } = render({}, (c) => {
      new TunedKubeProxy(c, 'KubeProxy', { mode: KubeProxyMode.IPVS });
      new NodeLocalDns(c, 'NodeLocalDns', { localIp: '169.254.25.10' });
    });
    expect(only(objs, 'NetworkPolicy', 'allow-dns-egress').spec.egress[0].to).toEqual([KUBE_DNS, { ipBlock: { cidr: '169.254.25.10/32' } }]);
    expect(TuningReport.of(chart).decisions.find((d) => d.setting === 'allow-dns-egress peers')!.value).toBe('kube-system/k8s-app=kube-dns, 169.254.25.10/32');
  });

  test('API server and same-namespace allowances', () => {
    const { objs } = render({ allowApiServer: true, allowSameNamespace: true, profile: new ClusterProfile({ apiServerHost: '10.0.0.100' }) });
    expect(only(objs, 'NetworkPolicy', 'allow-apiserver-egress').spec).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.100/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] }] });
    expect(only(objs, 'NetworkPolicy', 'allow-same-namespace').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] });
    const explicit = render({ allowApiServer: true, apiServerCidrs: ['192.168.0.10/32', '192.168.0.11/32'] }).objs;
    expect(only(explicit, 'NetworkPolicy', 'allow-apiserver-egress').spec.egress[0].to).toHaveLength(2);
  });

  test('can create the namespaces with Pod Security labels pinned to the profile\'s version', () => {
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_30 });
    const { objs } = render({ createNamespaces: true, podSecurityLevel: PodSecurityLevel.RESTRICTED, profile });
    const ns = only(objs, 'Namespace', 'production');
    expect(ns.metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.30',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
    });
    expect(objs[0].kind).toBe('Namespace');
  });

  test('kube-system: CoreDNS stays reachable from every namespace, but denying its egress to the API server breaks DNS', () => {
    const chart = Testing.chart();
    new DefaultDenyPolicy(chart, 'Deny', { namespaces: ['kube-system'], protectSystemNamespaces: true });
    expect(() => Testing.synth(chart)).toThrow("[test/Deny] pods in kube-system cannot resolve names: the DNS path fails at the coredns hop (kubeadm's CoreDNS (not managed in this app) (kube-system/k8s-app=kube-dns)): "
      + "kube-system denies CoreDNS's egress to the API server (apiServerHost not set:6443): its kubernetes plugin cannot watch Services and endpoints [DEFAULT-DENY-DNS]");
    // With the API server allowed, the next hop that breaks is CoreDNS's upstreams.
    const profile = new ClusterProfile({ apiServerHost: '10.0.0.1' });
    const api = Testing.chart();
    new DefaultDenyPolicy(api, 'Deny', { namespaces: ['kube-system'], protectSystemNamespaces: true, allowApiServer: true, profile });
    expect(() => Testing.synth(api)).toThrow(/fails at the upstream hop \(CoreDNS forward to \/etc\/resolv.conf\): kube-system restricts CoreDNS's egress and no policy allows UDP and TCP 53 to its upstreams/);
    // Egress left alone: CoreDNS answers every namespace (allow-dns-ingress), with a warning about the rest of kube-system.
    const { objs, chart: ingressOnly } = render({ namespaces: ['kube-system'], protectSystemNamespaces: true, direction: DenyDirection.INGRESS });
    expect(only(objs, 'NetworkPolicy', 'allow-dns-ingress').spec).toEqual({ podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }], ports: DNS_PORTS }] });
    expect(TuningReport.of(ingressOnly).warnings.map((w) => w.ruleId)).toEqual(['DENY-KUBE-SYSTEM']);
    expect(TuningReport.of(ingressOnly).dnsPath('kube-system').resolves).toBe(true);
  });

  test('system namespaces need an explicit opt-in, and created ones stay privileged', () => {
    expect(() => new DefaultDenyPolicy(Testing.chart(), 'Deny', { namespaces: ['prod', 'kube-system'] }))
      .toThrow("[test/Deny] 'namespaces[1]' (kube-system) runs the cluster's own agents (CoreDNS, kube-proxy, the CNI): default deny there cuts CoreDNS off");
    expect(() => new DefaultDenyPolicy(Testing.chart(), 'Deny', { namespaces: ['calico-system'] })).toThrow("'namespaces[0]' (calico-system) runs the cluster's own agents");
    const { objs } = render({ namespaces: ['kube-flannel', 'prod'], protectSystemNamespaces: true, createNamespaces: true });
    const enforce = (name: string) => only(objs, 'Namespace', name).metadata.labels['pod-security.kubernetes.io/enforce'];
    expect([enforce('kube-flannel'), enforce('prod')]).toEqual(['privileged', 'baseline']);
    // kube-public and kube-node-lease run no pods: default deny there needs no opt-in (CIS 5.3.2 asks for it everywhere)
    expect(() => new DefaultDenyPolicy(Testing.chart(), 'Deny', { namespaces: ['kube-public', 'kube-node-lease'] })).not.toThrow();
    expect(() => new DefaultDenyPolicy(Testing.chart(), 'Deny', {
      namespaces: ['kube-system'], protectSystemNamespaces: true, createNamespaces: true, podSecurityLevel: PodSecurityLevel.RESTRICTED,
    })).toThrow("'podSecurityLevel' (restricted) would refuse the privileged node agents in kube-system: system namespaces stay 'privileged'");
  });

  test('default deny without any DNS path fails synthesis at the policy hop, per namespace', () => {
    const chart = Testing.chart();
    new DefaultDenyPolicy(chart, 'Deny', { namespaces: ['a', 'b'], allowDns: false });
    const hop = (ns: string) => `[test/Deny] pods in ${ns} cannot resolve names: the DNS path fails at the policy hop (egress from ${ns} to kube-system/k8s-app=kube-dns pods on 53): `
      + 'egress is restricted and UDP and TCP 53 are blocked: no policy selecting these pods allows it [DEFAULT-DENY-DNS]';
    expect(() => Testing.synth(chart)).toThrow(hop('a'));
    expect(() => Testing.synth(chart)).toThrow(hop('b'));
  });

  test('allowDns: false is accepted, without a warning, when another policy (here cdk8s-plus) allows DNS for every pod', () => {
    const chart = Testing.chart();
    new DefaultDenyPolicy(chart, 'Deny', { namespaces: ['a'], allowDns: false });
    const dns = new kplus.NetworkPolicy(chart, 'dns', { metadata: { namespace: 'a' }, selector: kplus.Pods.all(chart, 'all') });
    dns.addEgressRule(kplus.Pods.select(chart, 'kubedns', { labels: { 'k8s-app': 'kube-dns' }, namespaces: kplus.Namespaces.select(chart, 'ks', { names: ['kube-system'] }) }),
      [kplus.NetworkPolicyPort.udp(53), kplus.NetworkPolicyPort.tcp(53)]);
    expect(() => synthValid(chart)).not.toThrow();
    expect(TuningReport.of(chart).warnings).toEqual([]);
    expect(TuningReport.of(chart).dnsPath('a').hops.find((h) => h.kind === DnsHopKind.POLICY)!.allowedBy).toEqual(['NetworkPolicy a/test-dns-c88e98fb']);
  });

  test('validation', () => {
    const fails = (props: Partial<DefaultDenyPolicyProps>, message: string) =>
      expect(() => new DefaultDenyPolicy(Testing.chart(), 'Deny', { namespaces: ['production'], ...props })).toThrow(message);
    fails({ namespaces: [] }, "[test/Deny] 'namespaces' ([]) must list at least one namespace");
    fails({ namespaces: ['Prod'] }, "'namespaces[0]' (Prod) must be a namespace name");
    fails({ namespaces: ['a', 'a'] }, "'namespaces' (a) is listed twice");
    fails({ direction: 'both' as DenyDirection }, "'direction' (both) must be one of: IngressAndEgress, Ingress, Egress");
    fails({ allowApiServer: true }, "'allowApiServer' needs 'apiServerCidrs' or an IP address as the profile's 'apiServerHost' (not set)");
    fails({ allowApiServer: true, profile: new ClusterProfile({ apiServerHost: 'api.example.com' }) }, "(api.example.com): policies match the API server's endpoint addresses");
    fails({ allowApiServer: true, apiServerCidrs: ['10.0.0.1'] }, "'apiServerCidrs[0]' (10.0.0.1) must be an IPv4 or IPv6 CIDR");
    fails({ podSecurityLevel: PodSecurityLevel.BASELINE }, "'podSecurityLevel' only applies with 'createNamespaces'");
  });

  test('two policies for one namespace are refused', () => {
    const chart = Testing.chart();
    new DefaultDenyPolicy(chart, 'A', { namespaces: ['a', 'b'] });
    new DefaultDenyPolicy(chart, 'B', { namespaces: ['b'], tier: ScaleTier.SMALL });
    expect(() => Testing.synth(chart)).toThrow("[test/B] namespace 'b' is already protected by [test/A]");
  });
});
