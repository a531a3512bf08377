import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  CalicoTuning, ClusterProfile, DefaultDenyPolicy, KubeProxyMode, NetworkAlerts, NetworkTuning, NodeLocalDns, PrerequisiteKind, ScaleTier,
  TunedCoreDns,
  TunedKubeProxy, TuningReport,
} from '../../src';
import { CLUSTER_SCOPED_KINDS } from '../../src/core/_api-objects';

describe('cluster-scoped objects never carry a namespace', () => {
  test.each(Object.values(ScaleTier))('%s: every component inside a chart with a namespace', (tier) => {
    const app = Testing.app();
    const chart = new Chart(app, 'team', { namespace: 'team-a' });
    const profile = new ClusterProfile({ apiServerHost: '10.0.0.1' });
    new NetworkTuning(chart, 'tuning', {
      tier,
      profile,
      kubeProxy: tier === ScaleTier.LARGE ? undefined : { deployDaemonSet: true }, // LARGE: Cilium replaces kube-proxy
      coreDns: { deploy: true, autoscaler: true },
      defaultDeny: { namespaces: ['team-a'], createNamespaces: true },
    });
    const objs = chart.toJson();
    const kinds = new Set(objs.map((o) => o.kind));
    // Default deny needs an enforcing CNI: Calico on SMALL and MEDIUM, Cilium (no cluster-scoped objects) on LARGE.
    expect([...kinds].filter((k) => CLUSTER_SCOPED_KINDS.has(k)).sort()).toEqual(
      tier !== ScaleTier.LARGE
        ? ['ClusterRole', 'ClusterRoleBinding', 'FelixConfiguration', 'IPPool', 'Namespace']
        : ['ClusterRole', 'ClusterRoleBinding', 'Namespace']);
    for (const o of objs) {
      if (CLUSTER_SCOPED_KINDS.has(o.kind)) expect({ o: `${o.kind}/${o.metadata.name}`, ns: o.metadata.namespace }).toEqual({ o: `${o.kind}/${o.metadata.name}`, ns: undefined });
      else expect({ o: `${o.kind}/${o.metadata.name}`, ns: typeof o.metadata.namespace }).toEqual({ o: `${o.kind}/${o.metadata.name}`, ns: 'string' });
    }
  });

  test('Calico objects and kube-proxy RBAC in a namespaced chart', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'team', { namespace: 'team-a' });
    const profile = new ClusterProfile({ apiServerHost: '10.0.0.1' });
    new CalicoTuning(chart, 'Calico', { profile });
    new TunedKubeProxy(chart, 'KubeProxy', { profile, deployDaemonSet: true });
    const scoped = chart.toJson().filter((o) => CLUSTER_SCOPED_KINDS.has(o.kind));
    expect(scoped.map((o) => [o.kind, o.metadata.namespace])).toEqual([
      ['FelixConfiguration', undefined], ['IPPool', undefined], ['ClusterRoleBinding', undefined],
    ]);
  });
});

describe('Namespaces the library creates are applied first', () => {
  test('objects of another chart in a created namespace depend on it: numbered files, namespace first', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apply-order-'));
    try {
      const app = new App({ outdir: dir });
      // Constructed (and named) so that alphabetical order would apply the apps first.
      const apps = new Chart(app, 'apps', { namespace: 'shop' });
      new kplus.Deployment(apps, 'web', { containers: [{ image: 'nginx', portNumber: 8080, securityContext: { user: 1000 } }] });
      const policy = new Chart(app, 'policy');
      new DefaultDenyPolicy(policy, 'Deny', { namespaces: ['shop'], createNamespaces: true });
      app.synth();
      expect(fs.readdirSync(dir).sort()).toEqual(['0000-policy.k8s.yaml', '0001-apps.k8s.yaml', 'tuning-report.md']);
      expect(fs.readFileSync(path.join(dir, '0000-policy.k8s.yaml'), 'utf8').indexOf('kind: Namespace')).toBeLessThan(
        fs.readFileSync(path.join(dir, '0000-policy.k8s.yaml'), 'utf8').indexOf('kind: NetworkPolicy'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without createNamespaces nothing is reordered', () => {
    const app = Testing.app();
    const apps = new Chart(app, 'apps', { namespace: 'shop' });
    new kplus.Deployment(apps, 'web', { containers: [{ image: 'nginx', portNumber: 8080, securityContext: { user: 1000 } }] });
    new DefaultDenyPolicy(new Chart(app, 'policy'), 'Deny', { namespaces: ['shop'] });
    app.synth();
    expect(apps.node.dependencies).toEqual([]);
    expect(apps.node.findAll().flatMap((c) => c.node.dependencies)).toEqual([]);
  });
});

describe('TuningReport.prerequisites', () => {
  test('the CRDs of custom resources and the namespaces the app writes into without creating', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const profile = new ClusterProfile({ apiServerHost: '10.0.0.1' });
    new CalicoTuning(chart, 'Calico', { profile });
    new TunedCoreDns(chart, 'CoreDns', { profile });
    new NetworkAlerts(chart, 'Alerts', { profile });
    new DefaultDenyPolicy(chart, 'Deny', { profile, namespaces: ['shop'], createNamespaces: true });
    app.synth();
    const list = TuningReport.of(app).prerequisites;
    expect(list.map((p) => [p.kind, p.name])).toEqual([
      [PrerequisiteKind.CUSTOM_RESOURCE_DEFINITION, 'monitoring.coreos.com/v1'],
      [PrerequisiteKind.CUSTOM_RESOURCE_DEFINITION, 'projectcalico.org/v3'],
      [PrerequisiteKind.NAMESPACE, 'monitoring'],
    ]);
    expect(list[0].neededBy).toEqual(['PrometheusRule monitoring/network-tuning-alerts', 'ServiceMonitor monitoring/coredns']);
    expect(list[0].installedBy).toMatch(/Prometheus Operator/);
    expect(list[1].neededBy).toEqual(['FelixConfiguration default', 'IPPool default-ipv4-ippool']);
    expect(list[2].neededBy[0]).toBe('PrometheusRule monitoring/network-tuning-alerts');
    const md = TuningReport.of(app).toMarkdown();
    expect(md).toContain('## Before you apply');
    expect(md).toContain('| namespace `monitoring` | the monitoring stack');
  });

  test('an app of built-in objects in existing namespaces needs nothing', () => {
    const app = Testing.app();
    new TunedCoreDns(new Chart(app, 'c'), 'CoreDns', {});
    expect(TuningReport.of(app).prerequisites).toEqual([]);
    expect(TuningReport.of(app).toMarkdown()).toContain('Nothing: every object is built in or created by the app.');
  });
});

describe('TuningReport.afterApply', () => {
  test('kube-proxy managed only through its ConfigMap must be restarted; the kubelet drop-in goes on every node', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const profile = new ClusterProfile({ apiServerHost: '10.0.0.1' });
    new TunedKubeProxy(chart, 'KubeProxy', { profile, mode: KubeProxyMode.IPVS });
    new NodeLocalDns(chart, 'NodeLocalDns', { profile });
    app.synth();
    const steps = TuningReport.of(app).afterApply;
    expect(steps).toEqual([
      expect.stringMatching(/^`c\/KubeProxy`: kubectl -n kube-system rollout restart daemonset kube-proxy: kube-proxy reads its ConfigMap only at start/),
      expect.stringMatching(/^`c\/NodeLocalDns`: when node-local-dns is ready on every node, install the kubelet drop-in/),
    ]);
    expect(TuningReport.of(app).toMarkdown()).toContain('## After you apply\n\n- `c/KubeProxy`: kubectl -n kube-system rollout restart daemonset kube-proxy');
  });

  test('workloads the output deploys roll out by themselves: nothing to do', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const profile = new ClusterProfile({ apiServerHost: '10.0.0.1' });
    new TunedKubeProxy(chart, 'KubeProxy', { profile, deployDaemonSet: true });
    new NodeLocalDns(chart, 'NodeLocalDns', { profile }); // iptables: binds the kube-dns IP, kubelet unchanged
    app.synth();
    expect(TuningReport.of(app).afterApply).toEqual([]);
    expect(TuningReport.of(app).toMarkdown()).toContain('Nothing: the workloads in the output roll out the changes.');
  });
});
