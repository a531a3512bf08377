import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  ClusterProfile, CorefilePlugin, DecisionSource, FindingSeverity, KubeProxyMode, KubernetesVersion, NodeLocalDns, NodeLocalDnsProps,
  ScaleTier, ServerBlock, TunedCoreDns, TunedKubeProxy, TuningReport,
} from '../../src';
import { only, synthValid } from '../util';

function render(props: NodeLocalDnsProps = {}, others?: (chart: any) => void, before?: (chart: any) => void) {
  const chart = Testing.chart();
  before?.(chart);
  const nld = new NodeLocalDns(chart, 'NodeLocalDns', props);
  others?.(chart);
  const objs = synthValid(chart);
  const ds = only(objs, 'DaemonSet', 'node-local-dns');
  return {
    chart,
    nld,
    objs,
    ds,
    args: ds.spec.template.spec.containers[0].args as string[],
    corefile: only(objs, 'ConfigMap', 'node-local-dns').data.Corefile as string,
  };
}

describe('NodeLocalDns objects', () => {
  test('the upstream object set, with kube-dns-upstream before the DaemonSet', () => {
    const { objs } = render();
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/node-local-dns', 'Service/kube-dns-upstream', 'ConfigMap/node-local-dns', 'DaemonSet/node-local-dns', 'Service/node-local-dns',
    ]);
    const upstream = only(objs, 'Service', 'kube-dns-upstream');
    expect(upstream.spec.selector).toEqual({ 'k8s-app': 'kube-dns' });
    expect(upstream.spec.ports.map((p: any) => `${p.port}/${p.protocol}`)).toEqual(['53/UDP', '53/TCP']);
    const metrics = only(objs, 'Service', 'node-local-dns');
    expect(metrics.spec).toMatchObject({
      clusterIP: 'None',
      // A NotReady cache stays a scrape target: NodeLocalDNSInstanceDown must see it.
      publishNotReadyAddresses: true,
      selector: { 'k8s-app': 'node-local-dns' },
      ports: [{ name: 'metrics', port: 9253, targetPort: 9253 }, { name: 'setup-metrics', port: 9353, targetPort: 9353 }],
    });
  });

  test('the DaemonSet carries every upstream field', () => {
    const { ds } = render();
    expect(ds.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%' } });
    const pod = ds.spec.template.spec;
    expect(pod).toMatchObject({ hostNetwork: true, dnsPolicy: 'Default', priorityClassName: 'system-node-critical', serviceAccountName: 'node-local-dns' });
    expect(pod.tolerations).toEqual([
      { key: 'CriticalAddonsOnly', operator: 'Exists' }, { effect: 'NoExecute', operator: 'Exists' }, { effect: 'NoSchedule', operator: 'Exists' },
    ]);
    expect(ds.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/port': '9253', 'prometheus.io/scrape': 'true' });
    const c = pod.containers[0];
    expect(c.image).toBe('registry.k8s.io/dns/k8s-dns-node-cache:1.26.7');
    expect(c.securityContext).toEqual({ capabilities: { add: ['NET_ADMIN'] } });
    expect(c.ports.map((p: any) => `${p.name}:${p.containerPort}/${p.protocol}`)).toEqual([
      'dns:53/UDP', 'dns-tcp:53/TCP', 'metrics:9253/TCP', 'setup-metrics:9353/TCP',
    ]);
    expect(c.livenessProbe).toEqual({ httpGet: { host: '169.254.20.10', path: '/health', port: 8080 }, initialDelaySeconds: 60, timeoutSeconds: 5 });
    // The limit holds every cache full (an OOM kill skips teardown and blackholes DNS).
    expect(c.resources).toEqual({ requests: { cpu: '25m', memory: '32Mi' }, limits: { memory: '200Mi' } });
    expect(c.volumeMounts.map((m: any) => `${m.name}:${m.mountPath}`)).toEqual([
      'xtables-lock:/run/xtables.lock', 'config-volume:/etc/coredns', 'kube-dns-config:/etc/kube-dns',
    ]);
    expect(pod.volumes).toContainEqual({ name: 'config-volume', configMap: { name: 'node-local-dns', items: [{ key: 'Corefile', path: 'Corefile.base' }] } });
    expect(pod.volumes).toContainEqual({ name: 'xtables-lock', hostPath: { path: '/run/xtables.lock', type: 'FileOrCreate' } });
    expect(pod.enableServiceLinks).toBeUndefined(); // node-cache reads kube-dns-upstream from service links
  });
});

describe('NodeLocalDns wiring per kube-proxy mode', () => {
  test('iptables (SMALL): binds link-local and kube-dns IPs, forwards to kube-dns-upstream, clusterDNS unchanged', () => {
    const { args, corefile, nld } = render();
    // With a fallback (teardown hands queries back to kube-proxy), no secondary and no -skipteardown.
    expect(args).toEqual(['-localip', '169.254.20.10,10.96.0.10', '-conf', '/etc/Corefile', '-upstreamsvc', 'kube-dns-upstream', '-pidfile', '/tmp/node-cache.pid']);
    expect(corefile).toBe(`cluster.local:53 {
    errors
    cache {
        success 9984 30
        denial 9984 5
    }
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . __PILLAR__CLUSTER__DNS__ {
        force_tcp
        max_concurrent 1000
    }
    prometheus :9253
    health 169.254.20.10:8080
}
in-addr.arpa:53 {
    errors
    cache 30 {
        success 1024
        denial 1024
    }
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . __PILLAR__CLUSTER__DNS__ {
        force_tcp
        max_concurrent 1000
    }
    prometheus :9253
}
ip6.arpa:53 {
    errors
    cache 30 {
        success 1024
        denial 1024
    }
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . __PILLAR__CLUSTER__DNS__ {
        force_tcp
        max_concurrent 1000
    }
    prometheus :9253
}
.:53 {
    errors
    cache 30
    reload
    loop
    bind 169.254.20.10 10.96.0.10
    forward . __PILLAR__UPSTREAM__SERVERS__ {
        max_concurrent 1000
    }
    prometheus :9253
}
`);
    expect(nld.kubeletClusterDns()).toBe('10.96.0.10');
    expect(YAML.parse(nld.kubeletConfigYaml())).toEqual({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' });
    expect(nld.highAvailability).toBe(false);
  });

  test('IPVS (LARGE on 1.28): binds only the link-local IP, forwards to the kube-dns IP, kubelet clusterDNS becomes the link-local IP', () => {
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_28 });
    const { args, corefile, nld, chart } = render({ tier: ScaleTier.LARGE, profile });
    expect(args.slice(0, 2)).toEqual(['-localip', '169.254.20.10']);
    expect(corefile).toContain('    bind 169.254.20.10\n    forward . 10.96.0.10 {\n        force_tcp\n        max_concurrent 1000\n    }');
    expect(corefile).not.toContain('__PILLAR__CLUSTER__DNS__');
    expect(YAML.parse(nld.kubeletConfigYaml()).clusterDNS).toEqual(['169.254.20.10']);
    const d = TuningReport.of(chart).decisions.find((x) => x.setting === 'kubelet clusterDNS')!;
    expect(d).toMatchObject({ value: '169.254.20.10', source: DecisionSource.COMPATIBILITY });
  });

  test('follows a TunedKubeProxy in the app, whatever its own tier says', () => {
    const { args, nld } = render({}, undefined, (c) => new TunedKubeProxy(c, 'KubeProxy', { mode: KubeProxyMode.IPVS }));
    expect(args.slice(0, 2)).toEqual(['-localip', '169.254.20.10']);
    expect(nld.highAvailability).toBe(true);
  });

  test('a kube-proxy added after NodeLocalDns that takes away the fallback is refused (the secondary DaemonSet was decided already)', () => {
    const chart = Testing.chart();
    new NodeLocalDns(chart, 'NodeLocalDns', {});
    new TunedKubeProxy(chart, 'KubeProxy', { mode: KubeProxyMode.IPVS });
    expect(() => Testing.synth(chart)).toThrow(
      '[test/NodeLocalDns] whether the secondary node-local-dns DaemonSet is emitted (pods without a fallback need it) was decided when this construct was created (false), '
      + 'but components added afterwards change the plan to true [PLAN-CHANGED-AFTER-CONSTRUCTION] '
      + "fix: create the CNI and TunedKubeProxy components before NodeLocalDns, or set 'highAvailability' explicitly");
    const explicit = Testing.chart();
    new NodeLocalDns(explicit, 'NodeLocalDns', { highAvailability: true });
    new TunedKubeProxy(explicit, 'KubeProxy', { mode: KubeProxyMode.IPVS });
    expect(() => synthValid(explicit)).not.toThrow();
  });

  test('a stated mode that disagrees with the plan fails synthesis', () => {
    const chart = Testing.chart();
    new NodeLocalDns(chart, 'NodeLocalDns', { kubeProxyMode: KubeProxyMode.IPTABLES });
    new TunedKubeProxy(chart, 'KubeProxy', { mode: KubeProxyMode.IPVS });
    expect(() => Testing.synth(chart)).toThrow(
      "[test/NodeLocalDns] 'kubeProxyMode' (iptables) disagrees with the app's data plane, kube-proxy ipvs ('mode' set on [test/KubeProxy]): node-local-dns would be wired for the wrong data plane and DNS would fail [NLD-MODE-MISMATCH]");
  });

  test('a stated mode decides the plan when nothing stronger does: a TunedKubeProxy without a mode follows it', () => {
    const chart = Testing.chart();
    new NodeLocalDns(chart, 'NodeLocalDns', { kubeProxyMode: KubeProxyMode.IPVS });
    const kp = new TunedKubeProxy(chart, 'KubeProxy', {});
    const objs = synthValid(chart);
    expect(kp.mode).toBe(KubeProxyMode.IPVS);
    expect(YAML.parse(only(objs, 'ConfigMap', 'kube-proxy').data['config.conf']).mode).toBe('ipvs');
    expect(only(objs, 'DaemonSet', 'node-local-dns').spec.template.spec.containers[0].args.slice(0, 2)).toEqual(['-localip', '169.254.20.10']);
  });

  test('nftables is not supported upstream: wired like IPVS, with a warning saying why', () => {
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_33 });
    const { args, chart } = render({ kubeProxyMode: KubeProxyMode.NFTABLES, profile });
    expect(args.slice(0, 2)).toEqual(['-localip', '169.254.20.10']);
    const w = TuningReport.of(chart).warnings.find((f) => f.ruleId === 'NLD-NFTABLES')!;
    expect(w.severity).toBe(FindingSeverity.WARNING);
    expect(w.message).toMatch(/kubernetes\/dns#682/);
  });

  test('LARGE on 1.35 follows the tier\'s nftables (the same mode TunedKubeProxy would pick)', () => {
    const { args, chart } = render({ tier: ScaleTier.LARGE, profile: new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_35 }) });
    expect(args.slice(0, 2)).toEqual(['-localip', '169.254.20.10']);
    expect(TuningReport.of(chart).warnings.map((w) => w.ruleId)).toContain('NLD-NFTABLES');
  });

  const wirings: Array<[KubeProxyMode | undefined, ScaleTier]> = [
    ...Object.values(KubeProxyMode).map((m): [KubeProxyMode, ScaleTier] => [m, ScaleTier.SMALL]),
    [undefined, ScaleTier.SMALL], [undefined, ScaleTier.LARGE],
  ];
  test.each(wirings)('the guide\'s looping arguments cannot be produced (mode %s, tier %s)', (mode, tier) => {
    const { args, corefile } = render({ kubeProxyMode: mode, tier, profile: new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_33 }) });
    const localIps = args[args.indexOf('-localip') + 1].split(',');
    const upstream = args[args.indexOf('-upstreamsvc') + 1];
    expect(upstream).toBe('kube-dns-upstream');
    // never forward the cluster zone to an address node-cache itself binds
    const forwardTarget = /cluster\.local:53 \{[\s\S]*?forward \. (\S+)/.exec(corefile)![1];
    expect(localIps).not.toContain(forwardTarget);
    if (localIps.includes('10.96.0.10')) expect(forwardTarget).toBe('__PILLAR__CLUSTER__DNS__');
  });

  test('the profile\'s kube-dns IP and domain flow through', () => {
    const { args, corefile } = render({ profile: new ClusterProfile({ serviceCidr: '10.100.0.0/16', clusterDomain: 'corp.internal' }) });
    expect(args[1]).toBe('169.254.20.10,10.100.0.10');
    expect(corefile.startsWith('corp.internal:53 {')).toBe(true);
  });

  test('stub zones of a TunedCoreDns are forwarded to CoreDNS, not to the node\'s resolvers', () => {
    const { corefile } = render({}, (c) => new TunedCoreDns(c, 'CoreDns', {
      serverBlocks: [new ServerBlock({ zones: ['corp.example.com'], plugins: [CorefilePlugin.forward({ to: ['10.10.0.53'] })] })],
    }));
    expect(corefile).toContain('corp.example.com:53 {\n    errors\n    cache 30 {\n        success 1024\n        denial 1024\n    }\n    reload\n    loop\n    bind 169.254.20.10 10.96.0.10\n    forward . __PILLAR__CLUSTER__DNS__ {');
  });

  test('a stub zone added after a synthesis is in the next one (the Corefile and its config-hash follow the plan)', () => {
    const chart = Testing.chart();
    new NodeLocalDns(chart, 'NodeLocalDns', {});
    const coreDns = new TunedCoreDns(chart, 'CoreDns', {});
    const first = Testing.synth(chart);
    coreDns.corefile.addServerBlock(new ServerBlock({ zones: ['corp.example.com'], plugins: [CorefilePlugin.forward({ to: ['10.10.0.53'] })] }));
    const second = Testing.synth(chart);
    const corefile = (objs: any[]) => only(objs, 'ConfigMap', 'node-local-dns').data.Corefile as string;
    const hash = (objs: any[]) => only(objs, 'DaemonSet', 'node-local-dns').spec.template.metadata.annotations['network-tuning.cdk8s.io/config-hash'];
    expect(corefile(first)).not.toContain('corp.example.com');
    expect(corefile(second)).toContain('corp.example.com:53 {');
    expect(hash(second)).not.toBe(hash(first));
  });

  test('stub zones are forwarded once per spelling, and only those the kube-dns Service reaches (port 53)', () => {
    const block = (zone: string, port?: number) => new ServerBlock({ zones: [zone], port, plugins: [CorefilePlugin.forward({ to: ['10.10.0.53'] })] });
    const { corefile } = render({}, (c) => new TunedCoreDns(c, 'CoreDns', {
      serverBlocks: [block('corp.example.com'), block('Corp.Example.com.', 5353), block('other.example', 5353)],
    }));
    expect(corefile.match(/corp\.example\.com/gi)).toHaveLength(1);
    // a 5353 block answers only clients that dial 5353: node-cache forwarding it to CoreDNS:53 would bypass it
    expect(corefile).not.toContain('other.example');
  });

  test('a custom health port reaches the flag, the health plugin and the probes', () => {
    const { args, corefile, ds } = render({ healthPort: 9254 });
    expect(args.slice(-2)).toEqual(['-health-port', '9254']);
    expect(corefile).toContain('health 169.254.20.10:9254');
    expect(ds.spec.template.spec.containers[0].livenessProbe.httpGet.port).toBe(9254);
  });

  test('a wiring change rolls the DaemonSet', () => {
    const hash = (props: NodeLocalDnsProps) => render(props).ds.spec.template.metadata.annotations['network-tuning.cdk8s.io/config-hash'];
    expect(hash({})).not.toBe(hash({ kubeProxyMode: KubeProxyMode.IPVS }));
  });
});

describe('NodeLocalDns validation', () => {
  const fails = (props: NodeLocalDnsProps, message: string) => expect(() => new NodeLocalDns(Testing.chart(), 'NodeLocalDns', props)).toThrow(message);

  test('the local IP is link-local, differs from kube-dns and has its family', () => {
    fails({ localIp: '10.0.0.10' }, "[test/NodeLocalDns] 'localIp' (10.0.0.10) must be a link-local IPv4 address (169.254.0.0/16) or a unique-local IPv6 address (fd00::/8)");
    fails({ localIp: '169.254.20' }, "'localIp' (169.254.20) must be an IPv4 or IPv6 address");
    fails({ localIp: 'fd00::10' }, "'localIp' (fd00::10) must be the same IP family as the kube-dns IP (10.96.0.10)");
    // IPv6: unique-local, as Kubernetes' NodeLocal DNSCache page recommends; link-local needs an interface zone
    const v6 = new ClusterProfile({ serviceCidr: 'fd00:10:96::/108', podCidr: 'fd00:10:244::/56' });
    fails({ profile: v6, localIp: 'fe80::a' }, "'localIp' (fe80::a) must be a link-local IPv4 address (169.254.0.0/16) or a unique-local IPv6 address (fd00::/8)");
    fails({ localIp: '10.96.0.10' }, "'localIp' (10.96.0.10) is inside the profile's Service CIDR (10.96.0.0/12)");
    // addresses that are someone's on every node
    fails({ localIp: '169.254.169.254' }, "'localIp' (169.254.169.254) is the cloud instance-metadata address (AWS, GCP, Azure, OpenStack): node-cache adds it to a dummy interface");
    fails({ localIp: '169.254.255.1' }, "'localIp' (169.254.255.1) is in 169.254.255.0/24, which RFC 3927 reserves");
    fails({ localIp: '10.244.0.10' }, "'localIp' (10.244.0.10) is inside the profile's Pod CIDR (10.244.0.0/16): an address a pod or Service may get");
    fails({ localIp: '10.96.0.53' }, "'localIp' (10.96.0.53) is inside the profile's Service CIDR (10.96.0.0/12)");
  });

  test('the local IP is kept in canonical form, wherever it goes', () => {
    const chart = Testing.chart();
    const nld = new NodeLocalDns(chart, 'NodeLocalDns', {
      localIp: 'FD00:0:0:0:0:0:0:A', profile: new ClusterProfile({ serviceCidr: 'fd00:10:96::/108', podCidr: 'fd00:10:244::/56' }),
    });
    expect(nld.localIp).toBe('fd00::a');
    expect(JSON.stringify(Testing.synth(chart))).not.toContain('FD00');
  });

  test('health port, mode and image', () => {
    fails({ healthPort: 53 }, "'healthPort' (53) must not make node-cache listen twice on one port (53 and 9253, 9353 are taken)");
    fails({ healthPort: 9254, kubeProxyMode: KubeProxyMode.IPVS }, "'healthPort' (9254) must not make node-cache listen twice on one port (53 and 9253, 9353, 9255, 9355 are taken; the secondary uses healthPort + 1)");
    fails({ healthPort: 70000 }, "'healthPort' (70000) must be an integer in 1..65535");
    fails({ kubeProxyMode: 'userspace' as KubeProxyMode }, "'kubeProxyMode' (userspace) must be one of: iptables, ipvs, nftables");
    fails({ image: 'registry.k8s.io/dns/k8s-dns-node-cache' }, "'image' (registry.k8s.io/dns/k8s-dns-node-cache) must be an image reference pinned");
  });
});

describe('NodeLocalDns rollouts and capacity', () => {
  const ipvs = (c: any) => new TunedKubeProxy(c, 'KubeProxy', { mode: KubeProxyMode.IPVS });
  const container = (ds: any) => ds.spec.template.spec.containers[0];

  test('without a fallback (IPVS), a secondary DaemonSet keeps a listener while either restarts', () => {
    const { objs, nld } = render({}, undefined, ipvs);
    expect(nld.highAvailability).toBe(true);
    const primary = only(objs, 'DaemonSet', 'node-local-dns');
    const secondary = only(objs, 'DaemonSet', 'node-local-dns-secondary');
    // Both keep the interface and rules on exit (kubespray enable_nodelocaldns_secondary).
    expect(container(primary).args).toEqual(['-localip', '169.254.20.10', '-conf', '/etc/Corefile', '-upstreamsvc', 'kube-dns-upstream', '-pidfile', '/tmp/node-cache.pid', '-skipteardown']);
    expect(container(secondary).args).toEqual(['-localip', '169.254.20.10', '-conf', '/etc/Corefile', '-upstreamsvc', 'kube-dns-upstream', '-pidfile', '/tmp/node-cache-secondary.pid',
      '-health-port', '8081', '-metrics-listen-address', '0.0.0.0:9355', '-skipteardown']);
    // Shutdowns are skewed: the primary goes at once, the secondary serves on for the delay.
    expect(primary.spec.template.spec.terminationGracePeriodSeconds).toBe(0);
    expect(secondary.spec.template.spec.terminationGracePeriodSeconds).toBe(25);
    expect(container(secondary).lifecycle).toEqual({ preStop: { exec: { command: ['sh', '-c', 'sleep 20'] } } });
    // Distinct selectors (overlapping ones would make the DaemonSets fight over pods).
    expect(primary.spec.selector.matchLabels).toEqual({ 'k8s-app': 'node-local-dns' });
    expect(secondary.spec.selector.matchLabels).toEqual({ 'k8s-app': 'node-local-dns-secondary' });
    // Its own Corefile: the same zones and bind, its own metrics and health ports.
    const cm = only(objs, 'ConfigMap', 'node-local-dns').data;
    expect(cm['Corefile-secondary']).toBe(cm.Corefile.replace(/:9253/g, ':9255').replace('169.254.20.10:8080', '169.254.20.10:8081'));
    expect(secondary.spec.template.spec.volumes).toContainEqual({ name: 'config-volume', configMap: { name: 'node-local-dns', items: [{ key: 'Corefile-secondary', path: 'Corefile.base' }] } });
    expect(container(secondary).readinessProbe.httpGet).toEqual({ host: '169.254.20.10', path: '/health', port: 8081 });
    // One scrape job for both: the metrics Services carry k8s-app=node-local-dns.
    const metrics = objs.filter((o) => o.kind === 'Service' && o.spec.clusterIP === 'None');
    expect(metrics.map((o) => [o.metadata.name, o.metadata.labels['k8s-app'], o.spec.selector['k8s-app'], o.spec.ports.map((p: any) => p.port)])).toEqual([
      ['node-local-dns', 'node-local-dns', 'node-local-dns', [9253, 9353]],
      ['node-local-dns-secondary', 'node-local-dns', 'node-local-dns-secondary', [9255, 9355]],
    ]);
    expect(metrics.map((o) => o.spec.publishNotReadyAddresses)).toEqual([true, true]);
  });

  test('no two host-network listeners of node-local-dns share a port (53 is shared on purpose, with SO_REUSEPORT)', () => {
    const { objs } = render({}, undefined, ipvs);
    const ports = objs.filter((o) => o.kind === 'DaemonSet').flatMap((ds) => {
      const c = container(ds);
      const health = c.livenessProbe.httpGet.port;
      return [...c.ports.map((p: any) => p.containerPort).filter((p: number) => p !== 53), health];
    });
    expect(new Set(ports).size).toBe(ports.length);
  });

  test('with kube-proxy iptables the teardown hands queries back to CoreDNS: one DaemonSet, teardown kept', () => {
    const { objs, chart } = render();
    expect(objs.filter((o) => o.kind === 'DaemonSet').map((o) => o.metadata.name)).toEqual(['node-local-dns']);
    expect(container(only(objs, 'DaemonSet')).args).not.toContain('-skipteardown');
    expect(TuningReport.of(chart).decisions.find((d) => d.setting === 'highAvailability')!.reason).toMatch(/fall back to CoreDNS \(KEP-1024\)/);
  });

  test('the memory limit holds every cache full, and grows with stub zones', () => {
    // 2 x 9984 (cluster zone) + 2 x 9984 ('.') + 2 x 1024 per reverse or stub zone, ~3 KB each,
    // plus ~24 MiB of CoreDNS and 2 KB per in-flight query (1000 per forward).
    const needMiB = (stubZones: number) => (24 * 2 ** 20 + (4 * 9984 + (2 + stubZones) * 2 * 1024) * 3072 + (4 + stubZones) * 1000 * 2048) / 2 ** 20;
    expect(needMiB(0)).toBeLessThan(200);
    const limit = (zones: number) => container(render({}, (c) => new TunedCoreDns(c, 'CoreDns', {
      serverBlocks: Array.from({ length: zones }, (_, i) => new ServerBlock({ zones: [`zone${i}.example.com`], plugins: [CorefilePlugin.forward({ to: ['10.10.0.53'] })] })),
    })).ds).resources.limits.memory;
    expect(limit(0)).toBe('200Mi');
    expect(needMiB(20)).toBeGreaterThan(200);
    expect(limit(20)).toBe(`${Math.ceil(needMiB(20) / 32) * 32}Mi`);
  });

  test('kubelet files: a drop-in for the config directory and a kubeadm patch, applied after the cache is ready', () => {
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_33, nodeResolvConf: '/run/systemd/resolve/resolv.conf' });
    const { nld } = render({ profile }, undefined, (c) => new TunedKubeProxy(c, 'KubeProxy', { profile, mode: KubeProxyMode.IPVS }));
    const files = nld.kubeletConfigFiles();
    expect(files.map((f) => f.path)).toEqual(['/etc/kubernetes/kubelet.conf.d/90-cdk8s-network-tuning.conf', 'kubeadm-patches/kubeletconfiguration+strategic.yaml']);
    for (const f of files) {
      expect(YAML.parse(f.content)).toEqual({
        apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', clusterDNS: ['169.254.20.10'], clusterDomain: 'cluster.local', resolvConf: '/run/systemd/resolve/resolv.conf',
      });
      expect(f.content).toContain('rollout status daemonset/node-local-dns');
    }
    expect(files[0].content).toContain('--config-dir=/etc/kubernetes/kubelet.conf.d');
    expect(nld.kubeletConfigYaml()).toBe(files[0].content);
    // Before 1.30 the drop-in directory is alpha: the kubeadm patch comes first.
    const v128 = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_28 });
    const old = render({ profile: v128 }, undefined, (c) => new TunedKubeProxy(c, 'KubeProxy', { profile: v128, mode: KubeProxyMode.IPVS })).nld.kubeletConfigFiles();
    expect(old[0].path).toBe('kubeadm-patches/kubeletconfiguration+strategic.yaml');
    expect(old[1].usage).toMatch(/KUBELET_CONFIG_DROPIN_DIR_ALPHA/);
  });
});
