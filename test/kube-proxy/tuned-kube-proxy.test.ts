import { Duration, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  ClusterProfile, DecisionSource, FindingSeverity, IpvsScheduler, KubeProxyMode, KubernetesFeature, KubernetesVersion,
  ScaleTier, TunedKubeProxy, TunedKubeProxyProps, TuningReport,
} from '../../src';
import { ofKind, only, synthValid } from '../util';

const WITH_API = new ClusterProfile({ apiServerHost: '10.0.0.1' });
/** Tests about Kubernetes 1.28 target it explicitly: the profile's default is KubernetesVersion.DEFAULT (1.36). */
const V1_28 = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_28 });

function render(props: TunedKubeProxyProps = {}) {
  const chart = Testing.chart();
  const kp = new TunedKubeProxy(chart, 'KubeProxy', props);
  const objs = synthValid(chart);
  const cm = only(objs, 'ConfigMap', 'kube-proxy');
  return { chart, kp, objs, cm, config: YAML.parse(cm.data['config.conf']) };
}

const fails = (props: TunedKubeProxyProps, message: string) => {
  const chart = Testing.chart();
  expect(() => new TunedKubeProxy(chart, 'KubeProxy', props)).toThrow(message);
};

describe('TunedKubeProxy defaults (SMALL)', () => {
  test('a complete iptables KubeProxyConfiguration in kube-system/kube-proxy under config.conf', () => {
    const { cm, config, kp } = render();
    expect(cm.metadata).toMatchObject({ name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } });
    expect(config).toEqual({
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      kind: 'KubeProxyConfiguration',
      bindAddress: '0.0.0.0',
      healthzBindAddress: '0.0.0.0:10256',
      metricsBindAddress: '0.0.0.0:10249',
      clientConnection: { kubeconfig: '/var/lib/kube-proxy/kubeconfig.conf' },
      clusterCIDR: '10.244.0.0/16',
      detectLocalMode: 'ClusterCIDR',
      conntrack: { maxPerCore: 32768, min: 131072, tcpEstablishedTimeout: '24h', tcpCloseWaitTimeout: '1h' },
      mode: 'iptables',
      iptables: { masqueradeAll: false, masqueradeBit: 14, localhostNodePorts: true, syncPeriod: '30s', minSyncPeriod: '1s' },
      oomScoreAdj: -999,
    });
    expect(kp.mode).toBe(KubeProxyMode.IPTABLES);
    expect(kp.configYaml).toBe(cm.data['config.conf']);
    expect(kp.effectiveConntrackMax).toBe(262144); // max(32768 × 8, 131072)
  });

  test('without an API server host: no kubeconfig.conf, and a warning saying why', () => {
    const { cm, chart } = render();
    expect(Object.keys(cm.data)).toEqual(['config.conf']);
    expect(TuningReport.of(chart).warnings.map((w) => w.ruleId)).toEqual(['KP-NO-KUBECONFIG']);
  });

  test('with an API server host: kubeadm\'s kubeconfig.conf, pointing at it directly', () => {
    const { cm } = render({ profile: WITH_API });
    const kubeconfig = YAML.parse(cm.data['kubeconfig.conf']);
    expect(kubeconfig.clusters[0].cluster).toEqual({
      'certificate-authority': '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
      'server': 'https://10.0.0.1:6443',
    });
    expect(kubeconfig.users[0].user.tokenFile).toBe('/var/run/secrets/kubernetes.io/serviceaccount/token');
    expect(kubeconfig['current-context']).toBe('default');
  });

  test('clusterCIDR comes from the profile (dual-stack joined)', () => {
    const { config } = render({ profile: new ClusterProfile({ podCidr: '10.1.0.0/16,fd00:10:1::/56' }) });
    expect(config.clusterCIDR).toBe('10.1.0.0/16,fd00:10:1::/56');
  });
});

describe('TunedKubeProxy tiers and versions', () => {
  test('LARGE on 1.28 reproduces the guide\'s large-cluster example (IPVS, rr, 30s/1s, strictARP, 65536/524288)', () => {
    const { config, kp, chart } = render({ tier: ScaleTier.LARGE, profile: V1_28 });
    expect(config.mode).toBe('ipvs');
    expect(config.ipvs).toEqual({ scheduler: 'rr', strictARP: true, syncPeriod: '30s', minSyncPeriod: '1s' });
    expect(config.conntrack).toMatchObject({ maxPerCore: 65536, min: 524288 });
    expect(config.iptables).toBeUndefined();
    expect(kp.effectiveConntrackMax).toBe(524288);
    expect(TuningReport.of(chart).warnings.filter((w) => w.ruleId.startsWith('DEPRECATED'))).toEqual([]);
  });

  test('MEDIUM keeps iptables (under the guide\'s 1,000-Service limit)', () => {
    expect(render({ tier: ScaleTier.MEDIUM }).config.mode).toBe('iptables');
  });

  test('LARGE on 1.35+ uses nftables instead of the deprecated IPVS, and the report says why', () => {
    const { config, chart } = render({ tier: ScaleTier.LARGE, profile: new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_35 }) });
    expect(config.mode).toBe('nftables');
    expect(config.nftables).toEqual({ masqueradeAll: false, masqueradeBit: 14, syncPeriod: '30s', minSyncPeriod: '1s' });
    expect(config.featureGates).toBeUndefined();
    const decision = TuningReport.of(chart).decisions.find((d) => d.setting === 'mode')!;
    expect(decision.source).toBe(DecisionSource.COMPATIBILITY);
    expect(decision.reason).toMatch(/IPVS is deprecated on Kubernetes 1.35 \(KEP-5495\)/);
  });

  test('an explicit IPVS on 1.35 is emitted with a deprecation warning', () => {
    const { config, chart } = render({ mode: KubeProxyMode.IPVS, profile: new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_36 }) });
    expect(config.mode).toBe('ipvs');
    const warning = TuningReport.of(chart).warnings.find((w) => w.ruleId === 'DEPRECATED-KUBE-PROXY-IPVS')!;
    expect(warning.message).toBe("'mode' (ipvs) is deprecated on Kubernetes 1.36: deprecated (KEP-5495): kube-proxy logs a warning; migrate to nftables");
    expect(warning.severity).toBe(FindingSeverity.WARNING);
  });

  test('nftables is refused below 1.29', () => {
    fails({ mode: KubeProxyMode.NFTABLES, profile: V1_28 }, "[test/KubeProxy] 'mode' (nftables) needs Kubernetes 1.29 or newer (kube-proxy nftables mode); the profile targets 1.28");
  });

  test('nftables on 1.29-1.32 needs an explicit opt-in', () => {
    fails({ mode: KubeProxyMode.NFTABLES, profile: new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_31 }) },
      "[test/KubeProxy] 'mode' (nftables) is pre-GA on Kubernetes 1.31 (beta: pre-GA, kernel >= 5.13; GA in 1.33): add KubernetesFeature.KUBE_PROXY_NFTABLES to the profile's 'optInFeatures' once feature gate NFTablesProxyMode is enabled");
  });

  test('opted-in nftables on 1.30 also turns on the NFTablesProxyMode gate', () => {
    const profile = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_30, optInFeatures: [KubernetesFeature.KUBE_PROXY_NFTABLES] });
    const { config } = render({ mode: KubeProxyMode.NFTABLES, profile });
    expect(config.mode).toBe('nftables');
    expect(config.featureGates).toEqual({ NFTablesProxyMode: true });
  });

  test('nftables on 1.33+ needs no opt-in and no gate', () => {
    const { config } = render({ mode: KubeProxyMode.NFTABLES, profile: new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_33 }) });
    expect(config.mode).toBe('nftables');
    expect(config.featureGates).toBeUndefined();
  });
});

describe('TunedKubeProxy overrides', () => {
  test.each(Object.values(IpvsScheduler))('IPVS scheduler %s is accepted', (scheduler) => {
    expect(render({ mode: KubeProxyMode.IPVS, ipvs: { scheduler } }).config.ipvs.scheduler).toBe(scheduler);
  });

  test('the guide\'s schedulers are all there', () => {
    expect(Object.values(IpvsScheduler)).toEqual(expect.arrayContaining(['rr', 'lc', 'dh', 'sh', 'sed', 'nq']));
  });

  test('IPVS timeouts, excludeCIDRs and strictARP are emitted only when set', () => {
    const { config } = render({
      mode: KubeProxyMode.IPVS,
      ipvs: { tcpTimeout: Duration.minutes(15), tcpFinTimeout: Duration.seconds(30), udpTimeout: Duration.seconds(0), strictArp: false, excludeCidrs: ['10.10.0.0/16'] },
    });
    expect(config.ipvs).toEqual({
      scheduler: 'rr',
      strictARP: false,
      tcpTimeout: '15m',
      tcpFinTimeout: '30s',
      udpTimeout: '0s',
      excludeCIDRs: ['10.10.0.0/16'],
      syncPeriod: '30s',
      minSyncPeriod: '1s',
    });
  });

  test('iptables and conntrack overrides', () => {
    const { config } = render({
      iptables: {
        masqueradeBit: 15, masqueradeAll: true, localhostNodePorts: false, syncPeriod: Duration.minutes(1), minSyncPeriod: Duration.seconds(2),
      },
      conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: Duration.hours(2), tcpCloseWaitTimeout: Duration.seconds(60) },
      metricsBindAddress: '127.0.0.1:10249',
      nodePortAddresses: ['10.0.0.0/8'],
    });
    expect(config.iptables).toEqual({ masqueradeAll: true, masqueradeBit: 15, localhostNodePorts: false, syncPeriod: '1m', minSyncPeriod: '2s' });
    expect(config.conntrack).toEqual({ maxPerCore: 0, min: 0, tcpEstablishedTimeout: '2h', tcpCloseWaitTimeout: '1m' });
    expect(config.metricsBindAddress).toBe('127.0.0.1:10249');
    expect(config.nodePortAddresses).toEqual(['10.0.0.0/8']);
  });

  test('maxPerCore 0 leaves the kernel value alone', () => {
    expect(render({ conntrack: { maxPerCore: 0 } }).kp.effectiveConntrackMax).toBe(0);
  });

  test('conntrack tcpBeLiberal and UDP timeouts need 1.29', () => {
    fails({ profile: V1_28, conntrack: { udpTimeout: Duration.seconds(30) } }, "'conntrack.udpTimeout' (30s) needs Kubernetes 1.29 or newer");
    const { config } = render({
      profile: new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_29 }),
      conntrack: { tcpBeLiberal: true, udpTimeout: Duration.seconds(30), udpStreamTimeout: Duration.minutes(2) },
    });
    expect(config.conntrack).toMatchObject({ tcpBeLiberal: true, udpTimeout: '30s', udpStreamTimeout: '2m' });
  });

  test('never emits fields kube-proxy does not have', () => {
    const allowedConntrack = ['maxPerCore', 'min', 'tcpEstablishedTimeout', 'tcpCloseWaitTimeout', 'tcpBeLiberal', 'udpTimeout', 'udpStreamTimeout'];
    for (const tier of Object.values(ScaleTier)) {
      for (const version of KubernetesVersion.all()) {
        const { config } = render({ tier, profile: new ClusterProfile({ kubernetesVersion: version }) });
        expect(allowedConntrack).toEqual(expect.arrayContaining(Object.keys(config.conntrack)));
        expect(config.conntrack.max).toBeUndefined();
        expect(config.conntrack.tcpTimeout).toBeUndefined();
        expect(Object.keys(config).filter((k) => ['iptables', 'ipvs', 'nftables'].includes(k))).toEqual([config.mode]);
      }
    }
  });

  test('settings for another mode are not emitted, with a warning', () => {
    const { config, chart } = render({ ipvs: { scheduler: IpvsScheduler.LEAST_CONNECTION }, nftables: { masqueradeBit: 3 } });
    expect(config.ipvs).toBeUndefined();
    expect(config.nftables).toBeUndefined();
    expect(TuningReport.of(chart).warnings.map((w) => w.message)).toEqual(expect.arrayContaining([
      "'ipvs' settings (scheduler) are ignored by kube-proxy in 'iptables' mode and are not emitted",
      "'nftables' settings (masqueradeBit) are ignored by kube-proxy in 'iptables' mode and are not emitted",
    ]));
  });

  test('strictARP outside IPVS is a warning of its own', () => {
    const { chart } = render({ ipvs: { strictArp: true } });
    const w = TuningReport.of(chart).warnings.find((f) => f.ruleId === 'KP-STRICTARP-NOT-IPVS')!;
    expect(w.message).toBe("'ipvs.strictArp' is only read in IPVS mode; 'mode' is iptables, so it is not emitted");
  });
});

describe('TunedKubeProxy validation', () => {
  test('minSyncPeriod must be <= syncPeriod in the active section', () => {
    fails({ iptables: { minSyncPeriod: Duration.seconds(45) } }, "[test/KubeProxy] 'iptables.minSyncPeriod' (45s) must be <= 'iptables.syncPeriod' (30s)");
    fails({ mode: KubeProxyMode.IPVS, ipvs: { syncPeriod: Duration.seconds(5), minSyncPeriod: Duration.seconds(10) } },
      "'ipvs.minSyncPeriod' (10s) must be <= 'ipvs.syncPeriod' (5s)");
  });

  test('syncPeriod must be > 0', () => {
    fails({ iptables: { syncPeriod: Duration.seconds(0), minSyncPeriod: Duration.seconds(0) } }, "'iptables.syncPeriod' (0s) must be >= 1ms");
  });

  test('durations must be whole milliseconds (what Go durations parse)', () => {
    fails({ iptables: { minSyncPeriod: Duration.millis(0.5) } }, "'iptables.minSyncPeriod' (0.5ms) must be a whole number of milliseconds");
  });

  test('masqueradeBit 0..31', () => {
    fails({ iptables: { masqueradeBit: 32 } }, "'iptables.masqueradeBit' (32) must be an integer in 0..31");
    const v133 = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_33 });
    fails({ mode: KubeProxyMode.NFTABLES, profile: v133, nftables: { masqueradeBit: -1 } },
      "'nftables.masqueradeBit' (-1) must be an integer in 0..31");
  });

  test('conntrack values >= 0', () => {
    fails({ conntrack: { maxPerCore: -1 } }, "'conntrack.maxPerCore' (-1) must be an integer in 0..2147483647");
    fails({ conntrack: { min: 1.5 } }, "'conntrack.min' (1.5) must be an integer in 0..2147483647");
  });

  test('CIDRs must be valid', () => {
    fails({ mode: KubeProxyMode.IPVS, ipvs: { excludeCidrs: ['10.0.0.0'] } }, "'ipvs.excludeCidrs[0]' (10.0.0.0) must be a CIDR such as 10.0.0.0/8");
    // ParseCIDRSloppy, as kube-proxy validates it: host bits mean the network
    expect(render({ mode: KubeProxyMode.IPVS, ipvs: { excludeCidrs: ['10.1.2.3/16'] } }).config.ipvs.excludeCIDRs).toEqual(['10.1.0.0/16']);
    fails({ nodePortAddresses: ['10.0.0.0'] }, "'nodePortAddresses[0]' (10.0.0.0) must be a CIDR such as 10.0.0.0/8, or 'primary' alone");
  });

  test('nodePortAddresses as kube-proxy validates it: primary alone (1.29+), CIDRs with host bits allowed', () => {
    const v129 = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_29 });
    expect(render({ profile: v129, nodePortAddresses: ['primary'] }).config.nodePortAddresses).toEqual(['primary']);
    // ParseCIDRSloppy takes host bits: the same network, emitted as one
    expect(render({ nodePortAddresses: ['10.0.0.1/8', 'FD00::1/64'] }).config.nodePortAddresses).toEqual(['10.0.0.0/8', 'fd00::/64']);
    fails({ profile: V1_28, nodePortAddresses: ['primary'] }, "'nodePortAddresses[0]' (primary) needs Kubernetes 1.29 or newer (kube-proxy's 'primary' value); the profile targets 1.28");
    fails({ profile: v129, nodePortAddresses: ['10.0.0.0/8', 'primary'] }, "'nodePortAddresses' ([10.0.0.0/8, primary]) can't use both 'primary' and CIDRs");
    expect(render({ nodePortAddresses: ['10.0.0.0/8', '10.0.0.1/8'] }).config.nodePortAddresses).toEqual(['10.0.0.0/8', '10.0.0.0/8']);
  });

  test('nodePortAddresses without a CIDR of the cluster family warns (that family then serves every address)', () => {
    const chart = Testing.chart();
    new TunedKubeProxy(chart, 'K', { profile: WITH_API, nodePortAddresses: ['fd00::/64'] });
    const warnings = TuningReport.of(chart).warnings;
    expect(warnings.map((w) => w.ruleId)).toEqual(['KP-NODEPORT-FAMILY']);
    expect(warnings[0].message).toContain("'nodePortAddresses' (fd00::/64) has no IPv4 CIDR: kube-proxy's IPv4 proxier then serves NodePorts on every node address");
  });

  test('unknown mode and scheduler are refused with the allowed values', () => {
    fails({ mode: 'userspace' as KubeProxyMode }, "[test/KubeProxy] 'mode' (userspace) must be one of: iptables, ipvs, nftables");
    fails({ mode: KubeProxyMode.IPVS, ipvs: { scheduler: 'mh' as IpvsScheduler } }, "'ipvs.scheduler' (mh) must be one of: rr, wrr, lc, wlc, lblc, lblcr, sh, dh, sed, nq");
  });

  test('bind addresses must be ip:port', () => {
    fails({ metricsBindAddress: '0.0.0.0' }, "'metricsBindAddress' (0.0.0.0) must be \"ip:port\" (for example 0.0.0.0:10249)");
    fails({ healthzBindAddress: 'localhost:10256' }, "'healthzBindAddress' (localhost:10256) must be \"ip:port\"");
  });

  test('all problems of one construct are listed together', () => {
    const chart = Testing.chart();
    let message = '';
    try {
      new TunedKubeProxy(chart, 'KubeProxy', { iptables: { masqueradeBit: 99 }, conntrack: { min: -5 } });
    } catch (e) { message = (e as Error).message; }
    expect(message.split('\n')).toEqual([
      "[test/KubeProxy] 'iptables.masqueradeBit' (99) must be an integer in 0..31",
      "[test/KubeProxy] 'conntrack.min' (-5) must be an integer in 0..2147483647",
    ]);
  });
});

describe('TunedKubeProxy DaemonSet', () => {
  test('kubeadm\'s ServiceAccount, ClusterRoleBinding and DaemonSet, schema-valid', () => {
    const { objs } = render({ deployDaemonSet: true, profile: WITH_API, tier: ScaleTier.MEDIUM });
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/kube-proxy', 'ServiceAccount/kube-proxy', 'ClusterRoleBinding/kubeadm:node-proxier', 'DaemonSet/kube-proxy',
    ]);
    const crb = only(objs, 'ClusterRoleBinding');
    expect(crb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-proxier' });
    const ds = only(objs, 'DaemonSet');
    const pod = ds.spec.template.spec;
    expect(pod).toMatchObject({ hostNetwork: true, priorityClassName: 'system-node-critical', serviceAccountName: 'kube-proxy' });
    expect(pod.tolerations).toEqual([{ key: 'CriticalAddonsOnly', operator: 'Exists' }, { operator: 'Exists' }]);
    const c = pod.containers[0];
    expect(c.image).toBe('registry.k8s.io/kube-proxy:v1.36.4'); // the default version's kube-proxy (KubernetesVersion.DEFAULT, 1.36)
    expect(c.command).toEqual(['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf', '--hostname-override=$(NODE_NAME)']);
    expect(c.securityContext).toEqual({ privileged: true });
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } });
    expect(c.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/var/lib/kube-proxy', '/run/xtables.lock', '/lib/modules']);
    expect(ds.spec.updateStrategy.type).toBe('RollingUpdate');
  });

  test('the image follows the profile\'s Kubernetes version, and can be overridden', () => {
    const image = (props: TunedKubeProxyProps) => only(render({ deployDaemonSet: true, ...props }).objs, 'DaemonSet').spec.template.spec.containers[0].image;
    expect(image({ profile: new ClusterProfile({ apiServerHost: 'api.k8s.local', kubernetesVersion: KubernetesVersion.V1_36 }) })).toBe('registry.k8s.io/kube-proxy:v1.36.4');
    expect(image({ profile: WITH_API, image: 'registry.example.com/kube-proxy:v1.28.9' })).toBe('registry.example.com/kube-proxy:v1.28.9');
  });

  test('a config change changes the pod template (rolls the DaemonSet)', () => {
    const hash = (props: TunedKubeProxyProps) => only(render({ deployDaemonSet: true, profile: WITH_API, ...props }).objs, 'DaemonSet')
      .spec.template.metadata.annotations['network-tuning.cdk8s.io/config-hash'];
    expect(hash({})).toBe(hash({}));
    expect(hash({})).not.toBe(hash({ conntrack: { maxPerCore: 0 } }));
  });

  test('refuses a DaemonSet without an API server, and unpinned images', () => {
    fails({ deployDaemonSet: true }, "[test/KubeProxy] 'deployDaemonSet' needs the profile's 'apiServerHost'");
    fails({ deployDaemonSet: true, profile: WITH_API, image: 'registry.k8s.io/kube-proxy:latest' }, "'image' (registry.k8s.io/kube-proxy:latest) must be an image reference pinned to a tag other than latest");
    fails({ deployDaemonSet: true, profile: WITH_API, image: 'registry.k8s.io/kube-proxy' }, "'image' (registry.k8s.io/kube-proxy) must be an image reference pinned");
  });

  test('only the ConfigMap by default', () => {
    expect(ofKind(render({ profile: WITH_API }).objs, 'DaemonSet')).toEqual([]);
  });
});

describe('TunedKubeProxy in an app', () => {
  test('two kube-proxies in one app are refused', () => {
    const chart = Testing.chart();
    new TunedKubeProxy(chart, 'A');
    new TunedKubeProxy(chart, 'B');
    expect(() => Testing.synth(chart)).toThrow('[test/B] a second kube-proxy component: [test/A] already emits the kube-proxy ConfigMap (and DaemonSet), and both would write the same objects [SINGLE-INSTANCE]');
  });
});
