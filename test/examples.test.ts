import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import * as lib from '../src';
import { assertValid, only } from './util';
import { CLUSTERS, writeCluster } from '../examples/clusters';
import { CLUSTER_SCOPED_KINDS } from '../src/core/_api-objects';
import { CRD_SOURCES, NAMESPACE_SOURCES, SYSTEM_NAMESPACES } from '../src/core/_prerequisites';

/** Synthesizes every chart of an example cluster (cross-component checks included). */
function synthCluster(build: (app: App) => Construct) {
  const app = Testing.app();
  build(app);
  const charts: Record<string, any[]> = Object.fromEntries(app.charts.map((chart) => [chart.node.id, assertValid(chart.toJson())]));
  // the files app.synth() writes beside the manifests
  const files: Record<string, string> = Object.fromEntries(lib.TuningFiles.of(app).map((f) => [f.path, f.content]));
  return { charts, files };
}

describe('examples', () => {
  test.each(Object.keys(CLUSTERS))('%s cluster synthesizes schema-valid objects (snapshot)', (name) => {
    expect(synthCluster(CLUSTERS[name]).charts).toMatchSnapshot();
  });

  test('the large example: Cilium replaces kube-proxy, native routing with DSR, the guide\'s large CoreDNS values, autoscaled', () => {
    const { charts, files } = synthCluster(CLUSTERS.large);
    const values = YAML.parse(files['helm/cilium-values.yaml']);
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
      expect(Object.keys(charts).sort()).toEqual(name === 'small' ? ['apps', 'namespaces', 'network'] : ['apps', 'network']);
      expect(only(charts.network, 'DaemonSet', 'network-sysctl-tuner')).toBeDefined();
      if (name !== 'large') expect(only(charts.network, 'ConfigMap', 'kube-proxy')).toBeDefined(); // large: Cilium replaces it
      expect(only(charts.network, 'ConfigMap', 'coredns')).toBeDefined();
      expect(only(charts.network, 'DaemonSet', 'node-local-dns')).toBeDefined();
    }
    const custom = synthCluster(CLUSTERS.custom).charts;
    expect(Object.keys(custom).sort()).toEqual(['apps', 'cni', 'dns', 'monitoring', 'node-tuning', 'policies']);
  });

  test('every public construct appears in an example (built directly or by NetworkTuning)', () => {
    const constructs = Object.entries(lib).filter(([, v]) => typeof v === 'function' && (v as any).prototype instanceof Construct).map(([k, v]) => [k, v] as const);
    expect(constructs.length).toBeGreaterThanOrEqual(15);
    const built = new Set<unknown>();
    for (const build of Object.values(CLUSTERS)) {
      const app = Testing.app();
      build(app);
      for (const c of app.node.findAll()) built.add(Object.getPrototypeOf(c).constructor);
    }
    expect(constructs.filter(([, cls]) => !built.has(cls)).map(([name]) => name)).toEqual([]);
  });

  test('NodeLocal DNS is wired for each example\'s data plane, and the kubelet files say so', () => {
    const small = synthCluster(CLUSTERS.small);
    expect(only(small.charts.network, 'DaemonSet', 'node-local-dns').spec.template.spec.containers[0].args[1]).toBe('169.254.20.10,10.96.0.10');
    expect(YAML.parse(small.files['kubeadm-patches/kubeletconfiguration+strategic.yaml']).clusterDNS).toEqual(['10.96.0.10']);
    const large = synthCluster(CLUSTERS.large);
    expect(only(large.charts.network, 'DaemonSet', 'node-local-dns').spec.template.spec.containers[0].args[1]).toBe('169.254.20.10');
    expect(only(large.charts.network, 'DaemonSet', 'node-local-dns-secondary')).toBeDefined();
    expect(YAML.parse(large.files['kubelet/90-cdk8s-network-tuning.conf']).clusterDNS).toEqual(['169.254.20.10']);
    expect(Object.keys(large.files)).toEqual([
      'helm/cilium-values.yaml', 'kubeadm-patches/kubeletconfiguration+strategic.yaml', 'kubelet/90-cdk8s-network-tuning.conf', 'prometheus/rules.yaml', 'tuning-report.md',
    ]);
  });

  test('one CNI per tier: Flannel, Calico, Cilium', () => {
    const small = synthCluster(CLUSTERS.small);
    expect(only(small.charts.network, 'ConfigMap', 'kube-flannel-cfg')).toBeDefined();
    expect(JSON.parse(small.files['flannel/net-conf.json']).Network).toBe('10.244.0.0/16');
    // 500 nodes at /24 each; the tigera-operator creates the pool from its Installation.
    expect(only(synthCluster(CLUSTERS.medium).charts.network, 'Installation').spec.calicoNetwork.ipPools[0].cidr).toBe('10.244.0.0/15');
    expect(only(synthCluster(CLUSTERS.custom).charts.cni, 'IPPool').spec.cidr).toBe('10.244.0.0/15');
    const large = synthCluster(CLUSTERS.large);
    expect(YAML.parse(only(large.charts.network, 'ConfigMap', 'cilium-values').data['values.yaml']).kubeProxyReplacement).toBe(true);
    expect(YAML.parse(large.files['helm/cilium-values.yaml']).kubeProxyReplacement).toBe(true);
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
      expect(YAML.parse(files['prometheus/rules.yaml']).groups).toEqual(only(objs, 'PrometheusRule').spec.groups);
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

/** API groups and kinds a fresh cluster serves (the kinds the examples use). */
const BUILT_IN: Record<string, readonly string[]> = {
  'v1': ['Namespace', 'ServiceAccount', 'Service', 'ConfigMap', 'Secret', 'Pod'],
  'apps/v1': ['Deployment', 'DaemonSet', 'StatefulSet'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  'policy/v1': ['PodDisruptionBudget'],
  'networking.k8s.io/v1': ['NetworkPolicy'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
};

/**
 * `kubectl apply -f <dir>` on a fresh cluster that has the prerequisites installed, as kubectl does
 * it: the directory's files (no subdirectories without -R) in name order (filepath.Walk), only
 * .json/.yaml/.yml, every document in order, each created or failing on its own. Returns the failures.
 */
function applyOnePass(dir: string, prerequisites: { crds: string[]; namespaces: string[] }): string[] {
  const served = new Map<string, Set<string>>(Object.entries(BUILT_IN).map(([v, kinds]) => [v, new Set(kinds)]));
  for (const apiVersion of prerequisites.crds) served.set(apiVersion, new Set(CRD_SOURCES[apiVersion.split('/')[0]].kinds));
  const namespaces = new Set([...SYSTEM_NAMESPACES, ...prerequisites.namespaces]);
  const failures: string[] = [];
  const files = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && /\.(json|ya?ml)$/.test(e.name)).map((e) => e.name).sort();
  for (const file of files) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
      const obj = doc.toJS();
      if (obj === null) continue;
      const where = `${file}: ${obj?.kind}/${obj?.metadata?.name}`;
      if (!obj?.apiVersion || !obj?.kind) {
        failures.push(`${file}: not a Kubernetes object (apiVersion and kind not set)`);
        continue;
      }
      if (!served.get(obj.apiVersion)?.has(obj.kind)) {
        failures.push(`${where}: no matches for kind "${obj.kind}" in version "${obj.apiVersion}"`);
        continue;
      }
      const ns = obj.metadata.namespace;
      if (CLUSTER_SCOPED_KINDS.has(obj.kind)) {
        if (ns !== undefined) failures.push(`${where}: cluster-scoped but carries namespace ${ns}`);
      } else if (!namespaces.has(ns ?? 'default')) {
        failures.push(`${where}: namespaces "${ns}" not found`);
        continue;
      }
      if (obj.kind === 'Namespace') namespaces.add(obj.metadata.name);
    }
  }
  return failures;
}

describe('examples apply in one pass', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-apply-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test.each(Object.keys(CLUSTERS))('%s: `kubectl apply -f <dir>` with the report\'s prerequisites installed creates every object', (name) => {
    const dir = path.join(root, name);
    writeCluster(CLUSTERS[name], dir);
    const report = fs.readFileSync(path.join(dir, 'tuning-report.md'), 'utf8');
    // The report lists what must exist first; the simulation installs exactly that, nothing more.
    const needs = [...report.matchAll(/^\| (CRDs of|namespace) `([^`]+)` \|/gm)].map((m) => ({ kind: m[1], name: m[2] }));
    const crds = needs.filter((n) => n.kind === 'CRDs of').map((n) => n.name);
    const namespaces = needs.filter((n) => n.kind === 'namespace').map((n) => n.name);
    for (const ns of namespaces) expect({ ns, source: NAMESPACE_SOURCES[ns] !== undefined }).toEqual({ ns, source: true });
    expect(applyOnePass(dir, { crds, namespaces })).toEqual([]);
    // Only manifests at the top: the other files live in subfolders kubectl does not read.
    const top = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
    expect(top.filter((f) => !f.endsWith('.k8s.yaml'))).toEqual(['tuning-report.md']);
    // app.synth() wrote every file the app lists, byte for byte, with no file code in the example
    const app = Testing.app();
    CLUSTERS[name](app);
    for (const f of lib.TuningFiles.of(app)) {
      const written = fs.readFileSync(path.join(dir, ...f.path.split('/')), 'utf8');
      expect({ file: f.path, same: f.path === 'tuning-report.md' ? written.startsWith('# Network tuning report') : written === f.content }).toEqual({ file: f.path, same: true });
    }
  });

  test('the check is real: without a prerequisite, or with the namespace after its objects, it fails', () => {
    const dir = path.join(root, 'broken');
    writeCluster(CLUSTERS.medium, dir);
    expect(applyOnePass(dir, { crds: [], namespaces: [] })).toEqual(expect.arrayContaining([
      expect.stringMatching(/PrometheusRule\/network-tuning-alerts: no matches for kind "PrometheusRule"/),
    ]));
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml')).sort();
    // Reversed order: the apps file first, before the Namespace it lives in.
    const reversed = path.join(root, 'reversed');
    fs.mkdirSync(reversed);
    files.reverse().forEach((f, i) => fs.copyFileSync(path.join(dir, f), path.join(reversed, `${i}-${f}`)));
    expect(applyOnePass(reversed, { crds: ['monitoring.coreos.com/v1', 'projectcalico.org/v3'], namespaces: ['monitoring'] })).toEqual(
      expect.arrayContaining([expect.stringMatching(/Deployment\/apps-web-\w+: namespaces "production" not found/)]));
  });

  test('charts that depend on each other get numbered file names in dependency order', () => {
    const dir = path.join(root, 'names');
    const files = writeCluster(CLUSTERS.custom, dir).filter((f) => f.endsWith('.k8s.yaml'));
    expect(files.every((f) => /^\d{4}-/.test(f))).toBe(true);
    const index = (chart: string) => files.findIndex((f) => f.endsWith(`-${chart}.k8s.yaml`));
    expect(index('policies')).toBeLessThan(index('apps')); // policies creates the production Namespace
  });
});
