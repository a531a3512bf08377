/*
 * Property-based tests (fast-check): random valid combinations of tier, profile and
 * options always synthesize, pass the schema helper and the cross-component checks,
 * and are byte-for-byte deterministic; random invalid inputs always end in the
 * library's own error, never in a crash inside cdk8s or in unvalidated YAML.
 */
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  AlertLanguage, ClusterProfile, CniPlugin, CorefilePlugin, DefaultDenyPolicy, KubeProxyMode, KubernetesFeature, KubernetesVersion,
  NetworkComponent, NetworkTuning, NetworkTuningProps, PodDnsTuning, ScaleTier, ServiceTuning, SysctlTuner, TunedKubeProxy,
} from '../src';
import { assertValid } from './util';

/** Every line of a library error: "[path] 'prop' (value) rule" or "[path] message [RULE-ID] fix: ...". */
const STYLE = /^\[[^\]]+\] (('[^']+'( \(.+\))? .+)|(.+ \[[A-Z]+(-[A-Z]+)+\] fix: .+))$/s;
const HEADER = 'Validation failed with the following errors:\n';

interface Input {
  readonly props: NetworkTuningProps;
  readonly withApp: boolean;
}

const NAMESPACE = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);

const validInput: fc.Arbitrary<Input> = fc.record({
  tier: fc.constantFrom(...Object.values(ScaleTier)),
  minor: fc.integer({ min: 28, max: 37 }),
  domain: fc.constantFrom('cluster.local', 'corp.internal', 'k8s.example.org'),
  net: fc.constantFrom(
    { serviceCidr: '10.96.0.0/12', dnsServiceIp: '10.96.0.10', podCidr: '10.244.0.0/16' },
    { serviceCidr: '10.100.0.0/16', dnsServiceIp: '10.100.0.10', podCidr: '172.20.0.0/14' },
    { serviceCidr: '172.16.0.0/20', dnsServiceIp: '172.16.0.53', podCidr: '192.168.0.0/16' },
  ),
  cores: fc.integer({ min: 1, max: 256 }),
  // Every Pod CIDR below is a /16 or wider: 256 nodes at /24 each (capacity is tested in test/core/capacity.test.ts).
  nodes: fc.integer({ min: 1, max: 256 }),
  services: fc.integer({ min: 0, max: 4000 }), // the smallest Service CIDR below, a /20, holds 4093
  cni: fc.option(fc.constantFrom(...Object.values(CniPlugin)), { nil: undefined }),
  ebpf: fc.boolean(),
  mode: fc.option(fc.constantFrom(...Object.values(KubeProxyMode)), { nil: undefined }),
  namespaces: fc.uniqueArray(NAMESPACE.filter((n) => !n.startsWith('kube')), { maxLength: 3 }),
  skip: fc.subarray(Object.values(NetworkComponent)),
  deploy: fc.boolean(),
  localIp: fc.constantFrom('169.254.20.10', '169.254.25.10'),
  language: fc.constantFrom(...Object.values(AlertLanguage)),
  ndots: fc.integer({ min: 0, max: 15 }),
  withApp: fc.boolean(),
}).map((r) => {
  const version = KubernetesVersion.of(`1.${r.minor}`);
  // nftables before GA needs the opt-in (and is refused on 1.28): opt in where it exists.
  // IPVS beside Cilium without its kube-proxy replacement is refused (CILIUM-KUBE-PROXY-IPVS).
  const ciliumKeepsProxy = (r.cni ?? (r.tier === ScaleTier.LARGE ? CniPlugin.CILIUM : undefined)) === CniPlugin.CILIUM && !r.ebpf;
  const mode = (r.mode === KubeProxyMode.NFTABLES && r.minor < 29) || (r.mode === KubeProxyMode.IPVS && ciliumKeepsProxy) ? undefined : r.mode;
  const optInFeatures = mode === KubeProxyMode.NFTABLES && r.minor < 33 ? [KubernetesFeature.KUBE_PROXY_NFTABLES] : [];
  const profile = new ClusterProfile({
    kubernetesVersion: version, clusterDomain: r.domain, ...r.net, cpuCoresPerNode: r.cores, apiServerHost: '10.0.0.1', optInFeatures, nodes: r.nodes, services: r.services,
  });
  const cni = r.cni ?? undefined;
  const recommended = { [ScaleTier.SMALL]: CniPlugin.FLANNEL, [ScaleTier.MEDIUM]: CniPlugin.CALICO, [ScaleTier.LARGE]: CniPlugin.CILIUM }[r.tier];
  const plugin = cni ?? (r.namespaces.length > 0 && r.tier === ScaleTier.SMALL ? CniPlugin.CALICO : recommended);
  const ebpf = r.ebpf && !r.skip.includes(NetworkComponent.CNI);
  const props: NetworkTuningProps = {
    tier: r.tier,
    profile,
    cniPlugin: cni,
    skip: r.skip,
    kubeProxy: r.skip.includes(NetworkComponent.KUBE_PROXY) || ebpf && plugin !== CniPlugin.FLANNEL ? undefined : { mode },
    calico: plugin === CniPlugin.CALICO && !r.skip.includes(NetworkComponent.CNI) ? { bpfEnabled: ebpf } : undefined,
    cilium: plugin === CniPlugin.CILIUM && !r.skip.includes(NetworkComponent.CNI) ? { kubeProxyReplacement: ebpf } : undefined,
    coreDns: r.skip.includes(NetworkComponent.COREDNS) ? undefined : { deploy: r.deploy },
    nodeLocalDns: r.skip.includes(NetworkComponent.NODE_LOCAL_DNS) ? undefined : { localIp: r.localIp },
    podDns: r.skip.includes(NetworkComponent.POD_DNS) ? undefined : { ndots: r.ndots },
    alerts: r.skip.includes(NetworkComponent.ALERTS) ? undefined : { language: r.language },
    defaultDeny: r.namespaces.length > 0 ? { namespaces: r.namespaces, createNamespaces: true } : undefined,
  };
  return { props, withApp: r.withApp };
});

/** Synthesizes an input in a fresh app; returns the YAML-ready objects. */
function synthesize(input: Input): any[] {
  const app = Testing.app();
  const services: kplus.Service[] = [];
  if (input.withApp) {
    const apps = new Chart(app, 'apps', { namespace: 'team' });
    const web = new kplus.Deployment(apps, 'web', { replicas: 3, containers: [{ image: 'nginx:1.27', portNumber: 80, securityContext: { user: 1000 } }] });
    services.push(web.exposeViaService({ name: 'web' }));
  }
  new NetworkTuning(new Chart(app, 'network'), 'tuning', { ...input.props, services });
  app.synth(); // runs every cross-component check (errors throw)
  return app.charts.flatMap((c) => c.toJson());
}

describe('valid input', () => {
  test('always synthesizes, passes the schemas and the cross-component checks, and is deterministic', () => {
    fc.assert(fc.property(validInput, (input) => {
      const first = synthesize(input);
      assertValid(first);
      const second = synthesize(input);
      expect(JSON.stringify(second)).toBe(JSON.stringify(first));
      // The facts decided once are the facts emitted.
      const corefile = first.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'coredns')?.data.Corefile;
      if (corefile) expect(corefile).toContain(`kubernetes ${input.props.profile!.clusterDomain} in-addr.arpa ip6.arpa`);
    }), { numRuns: 40, seed: 20261125 });
  });
});

/** Runs a build; returns the library's message, or fails the property on anything else. */
function libraryError(build: (chart: Chart) => void): string {
  const chart = Testing.chart();
  let error: unknown;
  try {
    build(chart);
    Testing.synth(chart);
  } catch (e) {
    error = e;
  }
  if (!(error instanceof Error)) throw new Error('accepted an invalid input');
  expect(error.constructor).toBe(Error); // not a TypeError or RangeError from inside cdk8s
  const message = error.message.startsWith(HEADER) ? error.message.slice(HEADER.length) : error.message;
  for (const line of message.split('\n')) expect(line.trim()).toMatch(STYLE);
  return message;
}

const bad = {
  text: fc.string({ minLength: 1, maxLength: 20, unit: 'binary' }),
  injection: fc.tuple(fc.string({ maxLength: 8 }), fc.constantFrom('{', '}', '"', '#', ';', '\n', ' ', '\t'), fc.string({ maxLength: 8 }))
    .map(([a, b, c]) => `${a}${b}${c}`),
};

describe('invalid input always ends in the library\'s own error', () => {
  const cases: Array<[string, fc.Arbitrary<(chart: Chart) => void>]> = [
    ['a kube-dns IP that is not an address', bad.text.filter((t) => !/^\d+\.\d+\.\d+\.\d+$/.test(t)).map((t) => () => new ClusterProfile({ dnsServiceIp: t }))],
    ['a cluster domain that is not a DNS name', bad.injection.map((t) => () => new ClusterProfile({ clusterDomain: t }))],
    ['a CIDR that is not one', bad.text.map((t) => () => new ClusterProfile({ podCidr: t }))],
    ['CPU cores out of range', fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 1025 }), fc.double({ min: 1.1, max: 9.9, noInteger: true }))
      .map((n) => () => new ClusterProfile({ cpuCoresPerNode: n }))],
    ['conntrack values below zero', fc.integer({ max: -1 }).map((n) => (c: Chart) => new TunedKubeProxy(c, 'KubeProxy', { conntrack: { maxPerCore: n } }))],
    ['masqueradeBit out of range', fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 32 }))
      .map((n) => (c: Chart) => new TunedKubeProxy(c, 'KubeProxy', { iptables: { masqueradeBit: n } }))],
    ['minSyncPeriod above syncPeriod', fc.tuple(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 600 })).filter(([a, b]) => a > b)
      .map(([min, sync]) => (c: Chart) => new TunedKubeProxy(c, 'KubeProxy', { iptables: { minSyncPeriod: Duration.seconds(min), syncPeriod: Duration.seconds(sync) } }))],
    ['injection in a sysctl key', bad.injection.map((k) => (c: Chart) => new SysctlTuner(c, 'Sysctls', { sysctls: { [`net.core.${k}`]: '1' } }))],
    ['injection in a sysctl value', bad.injection.filter((v) => /["#=\n]/.test(v)).map((v) => (c: Chart) => new SysctlTuner(c, 'Sysctls', { sysctls: { 'net.core.somaxconn': v } }))],
    ['injection in a Corefile token', bad.injection.map((t) => () => CorefilePlugin.custom('template', ['IN', t]))],
    ['ndots out of range', fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 16 })).map((n) => (c: Chart) => new PodDnsTuning(c, 'PodDns', { ndots: n }))],
    ['a namespace that is not a DNS label', bad.injection.map((n) => (c: Chart) => new DefaultDenyPolicy(c, 'Deny', { namespaces: [n] }))],
    ['a session affinity timeout out of range', fc.oneof(fc.constant(0), fc.integer({ min: 86401, max: 10_000_000 }))
      .map((s) => (c: Chart) => new ServiceTuning(c, 'Tuning', {
        service: new kplus.Service(c, 'svc', { ports: [{ port: 80 }] }), clientIpAffinity: true, affinityTimeout: Duration.seconds(s),
      }))],
    ['a label value outside the label syntax', bad.injection.map((v) => (c: Chart) => new NetworkTuning(c, 'tuning', { alerts: { selectorLabels: { release: v } } }))],
  ];

  test.each(cases)('%s', (_name, arbitrary) => {
    fc.assert(fc.property(arbitrary, (build) => {
      libraryError(build);
    }), { numRuns: 60, seed: 20261125 });
  });
});
