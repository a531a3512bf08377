import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import * as lib from '../src';
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

  test('the large example: Cilium replaces kube-proxy, native routing with DSR, the guide\'s large CoreDNS values, autoscaled', () => {
    const { charts, files } = synthCluster(CLUSTERS.large);
    const values = YAML.parse(files['cilium-values.yaml']);
    expect(values).toMatchObject({ kubeProxyReplacement: true, k8sServiceHost: '10.0.0.100', routingMode: 'native', autoDirectNodeRoutes: true, loadBalancer: { mode: 'dsr' } });
    expect(charts.network.filter((o: any) => JSON.stringify(o.metadata).includes('kube-proxy'))).toEqual([]);
    const corefile = only(charts.network, 'ConfigMap', 'coredns').data.Corefile;
    expect(corefile).toContain('cache 600 {\n        success 19968\n        denial 19968\n        disable success cluster.local\n        disable denial cluster.local\n    }');
    expect(corefile).toContain('ttl 60');
    expect(JSON.parse(only(charts.network, 'ConfigMap', 'coredns-autoscaler').data.linear)).toMatchObject({ nodesPerReplica: 64, min: 5 });
  });

  test('the tier examples are one NetworkTuning each; every node component is there', () => {
    for (const name of ['small', 'medium', 'large']) {
      const { charts } = synthCluster(CLUSTERS[name]);
      expect(Object.keys(charts).sort()).toEqual(['apps', 'network']);
      expect(only(charts.network, 'DaemonSet', 'network-sysctl-tuner')).toBeDefined();
      if (name !== 'large') expect(only(charts.network, 'ConfigMap', 'kube-proxy')).toBeDefined(); // large: Cilium replaces it
      expect(only(charts.network, 'ConfigMap', 'coredns')).toBeDefined();
      expect(only(charts.network, 'DaemonSet', 'node-local-dns')).toBeDefined();
    }
    const custom = synthCluster(CLUSTERS.custom).charts;
    expect(Object.keys(custom).sort()).toEqual(['apps', 'cni', 'dns', 'monitoring', 'node-tuning', 'policies']);
  });

  test('every public construct appears in an example', () => {
    const source = fs.readFileSync(path.join(__dirname, '..', 'examples', 'clusters.ts'), 'utf8');
    const constructs = Object.entries(lib).filter(([, v]) => typeof v === 'function' && (v as any).prototype instanceof Construct).map(([k]) => k);
    expect(constructs.length).toBeGreaterThanOrEqual(15);
    const used = (name: string) => new RegExp(`\\bnew ${name}\\(`).test(source)
      || new RegExp(`tuning\\.${name[0].toLowerCase()}${name.slice(1).replace(/Tuning$/, '')}!`).test(source);
    expect(constructs.filter((c) => !used(c))).toEqual([]);
  });

  test('NodeLocal DNS is wired for each example\'s data plane, and the kubelet files say so', () => {
    const small = synthCluster(CLUSTERS.small);
    expect(only(small.charts.network, 'DaemonSet', 'node-local-dns').spec.template.spec.containers[0].args[1]).toBe('169.254.20.10,10.96.0.10');
    expect(YAML.parse(small.files['kubeadm-patches/kubeletconfiguration+strategic.yaml']).clusterDNS).toEqual(['10.96.0.10']);
    const large = synthCluster(CLUSTERS.large);
    expect(only(large.charts.network, 'DaemonSet', 'node-local-dns').spec.template.spec.containers[0].args[1]).toBe('169.254.20.10');
    expect(only(large.charts.network, 'DaemonSet', 'node-local-dns-secondary')).toBeDefined();
    expect(YAML.parse(large.files['kubelet/90-cdk8s-network-tuning.conf']).clusterDNS).toEqual(['169.254.20.10']);
    expect(Object.keys(large.files).sort()).toEqual(['cilium-values.yaml', 'kubeadm-patches/kubeletconfiguration+strategic.yaml', 'kubelet/90-cdk8s-network-tuning.conf', 'prometheus-rules.yaml']);
  });

  test('one CNI per tier: Flannel, Calico, Cilium', () => {
    const small = synthCluster(CLUSTERS.small);
    expect(only(small.charts.network, 'ConfigMap', 'kube-flannel-cfg')).toBeDefined();
    expect(JSON.parse(small.files['flannel-net-conf.json']).Network).toBe('10.244.0.0/16');
    expect(only(synthCluster(CLUSTERS.medium).charts.network, 'IPPool').spec.cidr).toBe('10.244.0.0/15'); // 500 nodes at /24 each
    const large = synthCluster(CLUSTERS.large);
    expect(YAML.parse(only(large.charts.network, 'ConfigMap', 'cilium-values').data['values.yaml']).kubeProxyReplacement).toBe(true);
    expect(YAML.parse(large.files['cilium-values.yaml']).kubeProxyReplacement).toBe(true);
    expect(only(large.charts.network, 'HelmRelease').spec.chart.spec.chart).toBe('cilium');
  });

  test('every example watches its components: the guide\'s alerts, per-tier thresholds, the rule file matches the PrometheusRule', () => {
    const rules = (objs: any[]) => only(objs, 'PrometheusRule').spec.groups.flatMap((g: any) => g.rules);
    for (const [name, build] of Object.entries(CLUSTERS)) {
      const { charts, files } = synthCluster(build);
      const objs = charts.monitoring ?? charts.network;
      const names = rules(objs).map((r: any) => r.alert).filter(Boolean);
      const guide = name === 'large' ? ['DNSLatencyHigh', 'DNSErrorsHigh', 'NodeLocalDNSDown'] : ['KubeProxySyncSlow', 'DNSLatencyHigh', 'DNSErrorsHigh', 'NodeLocalDNSDown'];
      expect({ name, names }).toEqual({ name, names: expect.arrayContaining(guide) });
      expect(YAML.parse(files['prometheus-rules.yaml']).groups).toEqual(only(objs, 'PrometheusRule').spec.groups);
    }
    const medium = synthCluster(CLUSTERS.medium).charts.network;
    expect(rules(medium)[0].annotations.summary).toBe('kube-proxy 规则同步过慢');
    const large = synthCluster(CLUSTERS.large).charts.network;
    expect(rules(large).find((r: any) => r.alert === 'ConntrackTableFilling').expr).toMatch(/ > 0\.75$/);
    expect(only(large, 'ServiceMonitor', 'coredns').metadata.labels.release).toBe('kube-prometheus-stack');
  });

  test('the production namespace: default deny with DNS (and NodeLocal DNS), allow-app, a tuned Service', () => {
    for (const name of ['medium', 'large', 'custom']) {
      const { charts } = synthCluster(CLUSTERS[name]);
      const policies = charts.policies ?? charts.network;
      expect(only(policies, 'Namespace', 'production').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
      expect(only(policies, 'NetworkPolicy', 'default-deny-all').spec.policyTypes).toEqual(['Ingress', 'Egress']);
      const dnsPeers = only(policies, 'NetworkPolicy', 'allow-dns-egress').spec.egress[0].to.map((p: any) => p.ipBlock?.cidr ?? 'kube-dns');
      expect(dnsPeers).toEqual(name === 'large' ? ['kube-dns', '169.254.20.10/32'] : ['kube-dns', '169.254.20.10/32', '10.96.0.10/32']);
      // Cilium: the host-network cache needs the host entity as well.
      expect(policies.filter((o: any) => o.kind === 'CiliumNetworkPolicy').map((o: any) => o.metadata.name)).toEqual(name === 'large' ? ['allow-node-local-dns-egress'] : []);
      expect(only(charts.apps, 'NetworkPolicy', 'allow-app').spec.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    }
    expect(only(synthCluster(CLUSTERS.custom).charts.apps, 'Service', 'web').spec.sessionAffinity).toBe('ClientIP');
    expect(only(synthCluster(CLUSTERS.medium).charts.apps, 'Service', 'web').metadata.annotations).toEqual({ 'service.kubernetes.io/topology-mode': 'Auto' });
    expect(only(synthCluster(CLUSTERS.large).charts.apps, 'Service', 'web').spec.trafficDistribution).toBe('PreferClose'); // 1.33: the field is GA
    const small = synthCluster(CLUSTERS.small).charts;
    expect(only(small.apps, 'Service', 'web').metadata.annotations).toBeUndefined();
    expect(small.network.filter((o: any) => o.kind === 'NetworkPolicy')).toEqual([]); // Flannel would ignore them
  });

  test('pod DNS tuning reaches the sample app, and stub zones reach NodeLocal DNS', () => {
    for (const name of Object.keys(CLUSTERS)) {
      const web = synthCluster(CLUSTERS[name]).charts.apps.find((o: any) => o.kind === 'Deployment');
      expect(web.spec.template.spec.dnsConfig.options).toContainEqual({ name: 'ndots', value: '2' });
    }
    const custom = synthCluster(CLUSTERS.custom);
    expect(only(custom.charts.dns, 'ConfigMap', 'node-local-dns').data.Corefile).toContain('corp.example.internal:53 {');
  });
});
