import { Duration, Testing } from 'cdk8s';
import {
  ClusterProfile, CorefilePlugin, DecisionSource, ForwardPolicy, KubernetesVersion, NodeLocalDns, ScaleTier, ServerBlock,
  TunedCoreDns, TunedCoreDnsProps, TuningReport,
} from '../../src';
import { ofKind, only, synthValid } from '../util';

function render(props: TunedCoreDnsProps = {}) {
  const chart = Testing.chart();
  const coredns = new TunedCoreDns(chart, 'CoreDns', props);
  const objs = synthValid(chart);
  return { chart, coredns, objs, corefile: only(objs, 'ConfigMap', 'coredns').data.Corefile as string };
}

describe('TunedCoreDns Corefile', () => {
  test('SMALL: the guide\'s Corefile, in the coredns ConfigMap of kube-system', () => {
    // The guide's Corefile is kubeadm's of its time (1.28): the cluster zone still cached, as kubeadm did before 1.32.
    const { objs, corefile, coredns } = render({ profile: new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_28 }) });
    expect(only(objs, 'ConfigMap', 'coredns').metadata.namespace).toBe('kube-system');
    expect(corefile).toBe(`.:53 {
    errors
    health {
        lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
        max_concurrent 1000
    }
    cache 300
    loop
    reload
    loadbalance
}
`);
    expect(coredns.corefileText).toBe(corefile);
    expect(objs).toHaveLength(1);
  });

  test('kubeadm\'s Corefile for the version: the cluster zone is not cached from 1.32 (kubernetes/kubernetes#128359)', () => {
    const versions = [
      [KubernetesVersion.V1_28, false], [KubernetesVersion.V1_31, false], [KubernetesVersion.V1_32, true], [KubernetesVersion.NEWEST, true],
    ] as const;
    for (const [version, disabled] of versions) {
      const { corefile, chart } = render({ profile: new ClusterProfile({ kubernetesVersion: version }) });
      const block = '    cache 300 {\n        disable success cluster.local\n        disable denial cluster.local\n    }\n';
      expect(corefile.includes(block)).toBe(disabled);
      expect(corefile.includes('    cache 300\n')).toBe(!disabled);
      const d = TuningReport.of(chart).decisions.find((x) => x.setting === 'cache (cluster zone)')!;
      expect(d.source).toBe(DecisionSource.UPSTREAM); // kubeadm's choice either way
    }
  });

  test('behind NodeLocal DNSCache the cluster zone is cached once, on the node, whatever the version', () => {
    // 1.28: kubeadm still caches the cluster zone, so NodeLocal DNSCache is what turns it off
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_28 });
    const chart = Testing.chart();
    new NodeLocalDns(chart, 'NodeLocalDns', { profile });
    const coredns = new TunedCoreDns(chart, 'CoreDns', { profile });
    synthValid(chart);
    expect(coredns.corefileText).toContain('disable success cluster.local');
    expect(TuningReport.of(chart).decisions.find((x) => x.setting === 'cache (cluster zone)')).toMatchObject({ source: DecisionSource.COMPATIBILITY });
    const cached = Testing.chart();
    new NodeLocalDns(cached, 'NodeLocalDns');
    new TunedCoreDns(cached, 'CoreDns', { disableClusterZoneCache: false });
    synthValid(cached);
    expect(TuningReport.of(cached).warnings.map((w) => w.ruleId)).toEqual(['COREDNS-DOUBLE-CACHE']);
  });

  test('server blocks added after construction reach the ConfigMap and NodeLocal DNSCache', () => {
    const chart = Testing.chart();
    const nld = new NodeLocalDns(chart, 'NodeLocalDns');
    const coredns = new TunedCoreDns(chart, 'CoreDns');
    coredns.corefile.addServerBlock(new ServerBlock({ zones: ['late.example.com'], plugins: [CorefilePlugin.forward({ to: ['10.1.0.53'] })] }));
    const objs = synthValid(chart);
    expect(only(objs, 'ConfigMap', 'coredns').data.Corefile).toContain('late.example.com:53 {\n    forward . 10.1.0.53\n}');
    expect(only(objs, 'ConfigMap', 'node-local-dns').data.Corefile).toContain('late.example.com:53 {');
    expect(nld.renderCorefile()).toContain('late.example.com:53 {');
  });

  test('LARGE: the guide\'s large-cluster values (cache 600, 19968, ttl 60)', () => {
    // the guide's block as kubeadm 1.28 wrote it (the cluster zone is cached before 1.32)
    const { corefile } = render({ tier: ScaleTier.LARGE, profile: new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_28 }) });
    expect(corefile).toContain('    cache 600 {\n        success 19968\n        denial 19968\n    }');
    expect(corefile).toContain('        ttl 60\n');
  });

  test('the profile\'s cluster domain flows into the kubernetes plugin', () => {
    const { corefile } = render({ profile: new ClusterProfile({ clusterDomain: 'corp.internal' }) });
    expect(corefile).toContain('kubernetes corp.internal in-addr.arpa ip6.arpa {');
  });

  test('overrides: cache, prefetch, serve_stale, cluster-zone cache off, upstreams, policy, logging', () => {
    const { corefile, chart } = render({
      cacheTtlSeconds: 30,
      cacheSuccessCapacity: 4096,
      cacheDenialCapacity: 2048,
      cachePrefetch: { amount: 10, duration: Duration.minutes(1), percentage: 10 },
      cacheServeStale: { duration: Duration.hours(1) },
      disableClusterZoneCache: true,
      kubernetesTtlSeconds: 5,
      upstreamServers: ['10.0.0.2', '10.0.0.3'],
      forwardPolicy: ForwardPolicy.SEQUENTIAL,
      forwardPreferUdp: true,
      forwardMaxConcurrent: 2000,
      lameduck: Duration.seconds(10),
      logQueries: true,
    });
    expect(corefile).toContain(`    cache 30 {
        success 4096
        denial 2048
        prefetch 10 1m 10%
        serve_stale 1h
        disable success cluster.local
        disable denial cluster.local
    }`);
    expect(corefile).toContain('    forward . 10.0.0.2 10.0.0.3 {\n        prefer_udp\n        max_concurrent 2000\n        policy sequential\n    }');
    expect(corefile).toContain('        lameduck 10s');
    expect(corefile).toContain('    log\n');
    const d = TuningReport.of(chart).decisions.find((x) => x.setting === 'cache.ttl')!;
    expect(d).toMatchObject({ value: '30', source: DecisionSource.OVERRIDE });
  });

  test('extra plugins join the main block; extra server blocks (stub zones) follow it', () => {
    const { corefile } = render({
      extraPlugins: [CorefilePlugin.hosts({ entries: [{ ip: '10.1.1.1', names: ['legacy.example.com'] }], fallthroughZones: [] })],
      serverBlocks: [new ServerBlock({
        zones: ['corp.example.com'],
        plugins: [CorefilePlugin.errors(), CorefilePlugin.cache({ ttl: 30 }), CorefilePlugin.forward({ to: ['10.10.0.53'] })],
      })],
    });
    expect(corefile).toContain('    loadbalance\n    hosts {\n        10.1.1.1 legacy.example.com\n        fallthrough\n    }\n}\ncorp.example.com:53 {');
  });

  test('invalid settings fail with the construct path and its own property names', () => {
    const chart = Testing.chart();
    expect(() => new TunedCoreDns(chart, 'CoreDns', { kubernetesTtlSeconds: 4000 })).toThrow(
      "[test/CoreDns] 'kubernetesTtlSeconds' (4000) must be an integer in 0..3600");
    expect(() => new TunedCoreDns(Testing.chart(), 'CoreDns', { cacheSuccessCapacity: 512 })).toThrow(
      "[test/CoreDns] 'cacheSuccessCapacity' (512) must be an integer in 1024..2147483647");
    expect(() => new TunedCoreDns(Testing.chart(), 'CoreDns', { extraPlugins: [CorefilePlugin.cache()] })).toThrow(
      "[test/CoreDns] 'extraPlugins[0]' (cache) may appear only once per server block");
  });

  test('options the Corefile plugins check are named as this construct offers them, all problems at once', () => {
    expect(() => new TunedCoreDns(Testing.chart(), 'CoreDns', {
      cachePrefetch: { amount: 0, duration: Duration.minutes(1), percentage: 95 },
      lameduck: Duration.millis(0),
    })).toThrow([
      "[test/CoreDns] 'cachePrefetch.amount' (0) must be an integer in 1..2147483647",
      "[test/CoreDns] 'cachePrefetch.percentage' (95) must be an integer in 10..90",
      "[test/CoreDns] 'lameduck' (0s) must be >= 1ms",
    ].join('\n'));
    const block = new ServerBlock({ zones: ['.'], plugins: [CorefilePlugin.forward({ to: ['10.10.0.53'] })] });
    expect(() => new TunedCoreDns(Testing.chart(), 'CoreDns', { serverBlocks: [block] })).toThrow(
      "[test/CoreDns] 'serverBlocks[0].zones' (.:53) is already served by another server block");
  });

  test('a capacity that is not a multiple of 256 is a warning (CoreDNS rounds it down)', () => {
    const { chart } = render({ cacheSuccessCapacity: 10000 });
    expect(TuningReport.of(chart).warnings.map((w) => w.message)).toEqual([
      "'cacheSuccessCapacity' (10000) is not a multiple of 256: CoreDNS rounds it down to 9984",
    ]);
  });
});

describe('TunedCoreDns workload (deploy: true)', () => {
  test('kubeadm\'s full set, schema-valid', () => {
    const { objs } = render({ deploy: true });
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/coredns', 'ServiceAccount/coredns', 'ClusterRole/system:coredns', 'ClusterRoleBinding/system:coredns',
      'Deployment/coredns', 'Service/kube-dns', 'PodDisruptionBudget/coredns',
    ]);
    expect(only(objs, 'ClusterRole').rules).toEqual([
      { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    ]);
  });

  test('the Deployment: probes, DNS policy, priority, capabilities, spreading', () => {
    const deployment = only(render({ deploy: true }).objs, 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    const pod = deployment.spec.template.spec;
    expect(pod).toMatchObject({ dnsPolicy: 'Default', priorityClassName: 'system-cluster-critical', serviceAccountName: 'coredns' });
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' });
    const c = pod.containers[0];
    expect(c.image).toBe('registry.k8s.io/coredns/coredns:v1.14.2'); // kubeadm's CoreDNS for 1.36, the default version
    expect(c.livenessProbe.httpGet).toEqual({ path: '/health', port: 'liveness-probe', scheme: 'HTTP' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'readiness-probe', scheme: 'HTTP' });
    expect(c.ports).toEqual([
      { containerPort: 53, name: 'dns', protocol: 'UDP' },
      { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
      { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
      { containerPort: 8080, name: 'liveness-probe', protocol: 'TCP' },
      { containerPort: 8181, name: 'readiness-probe', protocol: 'TCP' },
    ]);
    expect(c.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { add: ['NET_BIND_SERVICE'], drop: ['ALL'] }, readOnlyRootFilesystem: true });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '170Mi' } });
  });

  test('the kube-dns Service takes the profile\'s ClusterIP', () => {
    const svc = only(render({ deploy: true, profile: new ClusterProfile({ serviceCidr: '172.20.0.0/16' }) }).objs, 'Service', 'kube-dns');
    expect(svc.spec.clusterIP).toBe('172.20.0.10');
    expect(svc.spec.ports.map((p: any) => `${p.name}:${p.port}/${p.protocol}`)).toEqual(['dns:53/UDP', 'dns-tcp:53/TCP', 'metrics:9153/TCP']);
    expect(svc.metadata.annotations).toEqual({ 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' });
  });

  test('replicas and resources follow the tier; the image follows the Kubernetes version', () => {
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_36 });
    const { objs } = render({ deploy: true, tier: ScaleTier.LARGE, autoscaler: false, profile });
    const d = only(objs, 'Deployment');
    expect(d.spec.replicas).toBe(5);
    expect(d.spec.template.spec.containers[0].resources.limits.memory).toBe('512Mi');
    expect(d.spec.template.spec.containers[0].image).toBe('registry.k8s.io/coredns/coredns:v1.14.2');
  });

  test('MEDIUM and LARGE scale with the cluster by default; SMALL keeps kubeadm\'s fixed two', () => {
    expect(ofKind(render({ deploy: true }).objs, 'Deployment').map((o) => o.metadata.name)).toEqual(['coredns']);
    for (const [tier, min] of [[ScaleTier.MEDIUM, 3], [ScaleTier.LARGE, 5]] as const) {
      const { objs } = render({ deploy: true, tier });
      expect(only(objs, 'Deployment', 'coredns').spec.replicas).toBeUndefined();
      expect(JSON.parse(only(objs, 'ConfigMap', 'coredns-autoscaler').data.linear).min).toBe(min);
      expect(only(objs, 'PodDisruptionBudget').spec.maxUnavailable).toBe('10%');
    }
    // At 5,000 nodes the autoscaler runs far more than the fixed five: ceil(5000 / 16) = 313.
    expect(Math.max(Math.ceil(5000 / 16), 5)).toBe(313);
  });

  test('behind NodeLocal DNSCache a replica covers four times as many nodes and cores', () => {
    const chart = Testing.chart();
    new NodeLocalDns(chart, 'NodeLocalDns', { tier: ScaleTier.MEDIUM });
    new TunedCoreDns(chart, 'CoreDns', { tier: ScaleTier.MEDIUM, deploy: true });
    const objs = synthValid(chart);
    expect(JSON.parse(only(objs, 'ConfigMap', 'coredns-autoscaler').data.linear)).toEqual({
      coresPerReplica: 1024, nodesPerReplica: 64, min: 3, preventSinglePointFailure: true, includeUnschedulableNodes: true,
    });
    expect(only(objs, 'Deployment', 'coredns-autoscaler').spec.template.spec.containers[0].command)
      .toContain('--default-params={"linear":{"coresPerReplica":1024,"nodesPerReplica":64,"min":3,"preventSinglePointFailure":true,"includeUnschedulableNodes":true}}');
  });

  test('the autoscaler: cluster-proportional-autoscaler with the tier\'s ratios, and no replicas to fight it', () => {
    const { objs } = render({ deploy: true, autoscaler: true, tier: ScaleTier.MEDIUM });
    expect(only(objs, 'Deployment', 'coredns').spec.replicas).toBeUndefined();
    const params = JSON.parse(only(objs, 'ConfigMap', 'coredns-autoscaler').data.linear);
    expect(params).toEqual({ coresPerReplica: 256, nodesPerReplica: 16, min: 3, preventSinglePointFailure: true, includeUnschedulableNodes: true });
    const autoscaler = only(objs, 'Deployment', 'coredns-autoscaler').spec.template.spec;
    expect(autoscaler.containers[0].command).toContain('--target=Deployment/coredns');
    expect(only(objs, 'ClusterRole', 'system:coredns-autoscaler').rules).toContainEqual({ apiGroups: ['apps'], resources: ['deployments/scale', 'replicasets/scale'], verbs: ['get', 'update'] });
  });

  test('refuses an autoscaler without the Deployment, bad replicas and unpinned images', () => {
    expect(() => new TunedCoreDns(Testing.chart(), 'CoreDns', { autoscaler: true })).toThrow("[test/CoreDns] 'autoscaler' needs 'deploy'");
    expect(() => new TunedCoreDns(Testing.chart(), 'CoreDns', { deploy: true, replicas: 0 })).toThrow("'replicas' (0) must be an integer in 1..1000");
    expect(() => new TunedCoreDns(Testing.chart(), 'CoreDns', { deploy: true, image: 'coredns/coredns:latest' })).toThrow("'image' (coredns/coredns:latest) must be an image reference pinned");
  });

  test('no PodDisruptionBudget when turned off', () => {
    expect(ofKind(render({ deploy: true, podDisruptionBudget: false }).objs, 'PodDisruptionBudget')).toEqual([]);
  });

  test('two CoreDNS components in one app are refused', () => {
    const chart = Testing.chart();
    new TunedCoreDns(chart, 'A');
    new TunedCoreDns(chart, 'B');
    expect(() => Testing.synth(chart)).toThrow(/\[test\/B\] a second coredns component/);
  });
});

describe('server blocks that would take names from the kubernetes plugin', () => {
  const stub = (zone: string, ...extra: CorefilePlugin[]) => new ServerBlock({ zones: [zone], plugins: [CorefilePlugin.forward({ to: ['10.0.0.53'] }), ...extra] });
  const synthWith = (blocks: ServerBlock[]) => () => {
    const chart = Testing.chart();
    new TunedCoreDns(chart, 'CoreDns', { serverBlocks: blocks });
    return Testing.synth(chart);
  };
  test('a reverse zone is judged by the addresses it covers', () => {
    expect(synthWith([stub('10.in-addr.arpa')])).toThrow("'serverBlocks' (10.in-addr.arpa:53) covers 10.244.0.0/16, whose reverse lookups the main block's kubernetes plugin answers");
    expect(synthWith([stub('168.192.in-addr.arpa'), stub('ip6.arpa.')])).not.toThrow();
  });
  test('a block with its own kubernetes plugin serves the cluster zone itself', () => {
    const own = new ServerBlock({ zones: ['cluster.local'], plugins: [CorefilePlugin.errors(), CorefilePlugin.kubernetes({ zones: ['cluster.local'] }), CorefilePlugin.cache({ ttl: 5 })] });
    expect(synthWith([own])).not.toThrow();
  });
});
