import { App, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { assertValid, only } from './util';
import { CLUSTERS, ExampleCluster } from '../examples/clusters';

/** Synthesizes every chart of an example cluster (cross-component checks included). */
function synthCluster(build: (app: App) => ExampleCluster) {
  const app = Testing.app();
  const cluster = build(app);
  const charts: Record<string, any[]> = Object.fromEntries(app.charts.map((chart) => [chart.node.id, assertValid(chart.toJson())]));
  return { charts, files: cluster.files() };
}

describe('examples', () => {
  test.each(Object.keys(CLUSTERS))('%s cluster synthesizes schema-valid objects (snapshot)', (name) => {
    expect(synthCluster(CLUSTERS[name]).charts).toMatchSnapshot();
  });

  test('the large example is the guide\'s large-cluster kube-proxy configuration', () => {
    const { charts } = synthCluster(CLUSTERS.large);
    const config = YAML.parse(only(charts['node-tuning'], 'ConfigMap', 'kube-proxy').data['config.conf']);
    expect(config.mode).toBe('ipvs');
    expect(config.ipvs).toMatchObject({ scheduler: 'rr', syncPeriod: '30s', minSyncPeriod: '1s', strictARP: true });
    expect(config.conntrack).toMatchObject({ maxPerCore: 65536, min: 524288 });
  });

  test('every example cluster has one of each node component', () => {
    for (const build of Object.values(CLUSTERS)) {
      const { charts } = synthCluster(build);
      expect(only(charts['node-tuning'], 'DaemonSet', 'network-sysctl-tuner')).toBeDefined();
      expect(only(charts['node-tuning'], 'ConfigMap', 'kube-proxy')).toBeDefined();
      expect(only(charts.dns, 'ConfigMap', 'coredns')).toBeDefined();
      expect(only(charts.dns, 'DaemonSet', 'node-local-dns')).toBeDefined();
    }
  });

  test('NodeLocal DNS is wired for each example\'s kube-proxy mode, and the kubelet fragment says so', () => {
    const small = synthCluster(CLUSTERS.small);
    expect(only(small.charts.dns, 'DaemonSet').spec.template.spec.containers[0].args[1]).toBe('169.254.20.10,10.96.0.10');
    expect(YAML.parse(small.files['kubelet-config.yaml']).clusterDNS).toEqual(['10.96.0.10']);
    const large = synthCluster(CLUSTERS.large);
    expect(only(large.charts.dns, 'DaemonSet').spec.template.spec.containers[0].args[1]).toBe('169.254.20.10');
    expect(YAML.parse(large.files['kubelet-config.yaml']).clusterDNS).toEqual(['169.254.20.10']);
  });

  test('the large example is the guide\'s large-cluster CoreDNS configuration', () => {
    const corefile = only(synthCluster(CLUSTERS.large).charts.dns, 'ConfigMap', 'coredns').data.Corefile;
    expect(corefile).toContain('cache 600 {\n        success 19968\n        denial 19968\n    }');
    expect(corefile).toContain('ttl 60');
  });

  test('one CNI per tier: Flannel, Calico, Cilium', () => {
    expect(only(synthCluster(CLUSTERS.small).charts.cni, 'ConfigMap', 'kube-flannel-cfg')).toBeDefined();
    expect(only(synthCluster(CLUSTERS.medium).charts.cni, 'IPPool').spec.cidr).toBe('10.244.0.0/16');
    const cilium = synthCluster(CLUSTERS.large).charts.cni;
    expect(YAML.parse(only(cilium, 'ConfigMap', 'cilium-values').data['values.yaml']).kubeProxyReplacement).toBe(false);
    expect(only(cilium, 'HelmRelease').spec.chart.spec.chart).toBe('cilium');
  });

  test('every example watches its components: the guide\'s alerts, per-tier thresholds, the rule file matches the PrometheusRule', () => {
    const names = (objs: any[]) => only(objs, 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert)).filter(Boolean);
    for (const build of Object.values(CLUSTERS)) {
      const { charts, files } = synthCluster(build);
      const rule = only(charts.monitoring, 'PrometheusRule', 'network-tuning-alerts');
      expect(names(charts.monitoring)).toEqual(expect.arrayContaining(['KubeProxySyncSlow', 'DNSLatencyHigh', 'DNSErrorsHigh', 'NodeLocalDNSDown']));
      expect(YAML.parse(files['prometheus-rules.yaml']).groups).toEqual(rule.spec.groups);
    }
    const medium = only(synthCluster(CLUSTERS.medium).charts.monitoring, 'PrometheusRule');
    expect(medium.spec.groups[0].rules[0].annotations.summary).toBe('kube-proxy 规则同步过慢');
    const large = synthCluster(CLUSTERS.large).charts.monitoring;
    const conntrack = only(large, 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules).find((r: any) => r.alert === 'ConntrackTableFilling');
    expect(conntrack.expr).toMatch(/ > 0\.75$/);
    expect(only(large, 'ServiceMonitor', 'kube-proxy').metadata.labels.release).toBe('kube-prometheus-stack');
  });

  test('the production namespace: default deny with DNS (and NodeLocal DNS), allow-app, a tuned Service', () => {
    for (const name of ['medium', 'large']) {
      const { charts } = synthCluster(CLUSTERS[name]);
      expect(only(charts.policies, 'Namespace', 'production').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
      expect(only(charts.policies, 'NetworkPolicy', 'default-deny-all').spec.policyTypes).toEqual(['Ingress', 'Egress']);
      const dnsPeers = only(charts.policies, 'NetworkPolicy', 'allow-dns-egress').spec.egress[0].to.map((p: any) => p.ipBlock?.cidr ?? 'kube-dns');
      expect(dnsPeers).toEqual(name === 'large' ? ['kube-dns', '169.254.20.10/32'] : ['kube-dns', '169.254.20.10/32', '10.96.0.10/32']);
      expect(only(charts.apps, 'NetworkPolicy', 'allow-app').spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
      expect(only(charts.apps, 'Service', 'web').spec.sessionAffinity).toBe('ClientIP');
    }
    expect(only(synthCluster(CLUSTERS.large).charts.apps, 'Service', 'web').metadata.annotations).toEqual({ 'service.kubernetes.io/topology-mode': 'Auto' });
    const small = synthCluster(CLUSTERS.small).charts;
    expect(only(small.apps, 'Service', 'web').metadata.annotations).toBeUndefined();
    expect(small.policies).toBeUndefined(); // Flannel would ignore them
  });

  test('pod DNS tuning reaches the sample app, and stub zones reach NodeLocal DNS', () => {
    const medium = synthCluster(CLUSTERS.medium);
    const web = medium.charts.apps.find((o: any) => o.kind === 'Deployment');
    expect(web.spec.template.spec.dnsConfig.options).toContainEqual({ name: 'ndots', value: '2' });
    expect(only(medium.charts.dns, 'ConfigMap', 'node-local-dns').data.Corefile).toContain('corp.example.internal:53 {');
  });
});
