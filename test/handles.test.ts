import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { CalicoInstallMethod, CalicoTuning, CiliumTuning, ClusterProfile, DefaultDenyPolicy, FlannelTuning, KubeProxyMode, NetworkAlerts, NodeLocalDns, SysctlTuner, TunedCoreDns, TunedKubeProxy } from '../src';
import { only } from './util';

describe('handles to the emitted objects (escape hatches)', () => {
  test('each handle is the object in the output, and a JSON patch on it lands there', () => {
    const chart = Testing.chart();
    const profile = new ClusterProfile({ apiServerHost: '10.0.0.1' });
    const proxy = new TunedKubeProxy(chart, 'KubeProxy', { profile, deployDaemonSet: true });
    const coreDns = new TunedCoreDns(chart, 'CoreDns', { profile, deploy: true });
    const sysctls = new SysctlTuner(chart, 'Sysctls', { profile });
    const alerts = new NetworkAlerts(chart, 'Alerts', { profile });
    const handles = {
      'DaemonSet/kube-proxy': proxy.daemonSet!,
      'ConfigMap/kube-proxy': proxy.configMap,
      'Deployment/coredns': coreDns.deployment!,
      'Service/kube-dns': coreDns.service!,
      'ConfigMap/coredns': coreDns.configMap,
      'DaemonSet/network-sysctl-tuner': sysctls.daemonSet,
      'PrometheusRule/network-tuning-alerts': alerts.prometheusRule,
    };
    for (const obj of Object.values(handles)) obj.addJsonPatch(JsonPatch.add('/metadata/annotations', { team: 'platform' }));
    const objs = Testing.synth(chart);
    for (const [key, obj] of Object.entries(handles)) {
      const [kind, name] = key.split('/');
      expect(`${obj.kind}/${obj.name}`).toBe(key);
      expect({ key, annotations: only(objs, kind, name).metadata.annotations }).toEqual({ key, annotations: expect.objectContaining({ team: 'platform' }) });
    }
    expect(sysctls.configMap.kind).toBe('ConfigMap');
    // the alerts' scrape objects and dashboards, each the object in the output
    expect(alerts.serviceMonitors.map((m) => `${m.kind}/${m.name}`)).toEqual(['ServiceMonitor/kube-proxy', 'ServiceMonitor/coredns']);
    expect(`${alerts.kubeProxyMetricsService!.kind}/${alerts.kubeProxyMetricsService!.name}`).toBe('Service/kube-proxy-metrics');
    expect(alerts.dashboardConfigMaps.map((c) => c.name)).toEqual(objs.filter((o) => o.metadata.name.startsWith('network-tuning-dashboard-')).map((o) => o.metadata.name));
    const bare = new NetworkAlerts(Testing.chart(), 'Alerts', { profile, scrapeObjects: false, dashboards: false });
    expect([bare.serviceMonitors, bare.kubeProxyMetricsService, bare.dashboardConfigMaps]).toEqual([[], undefined, []]);
  });

  test('NodeLocal DNSCache, the CNIs and default deny: every handle is its object in the output', () => {
    const patched = (handles: Record<string, ApiObject>, build: () => Chart) => {
      for (const obj of Object.values(handles)) obj.addJsonPatch(JsonPatch.add('/metadata/annotations', { team: 'platform' }));
      const objs = Testing.synth(build());
      for (const [key, obj] of Object.entries(handles)) {
        const [kind, name, namespace] = key.split('/');
        expect(`${obj.kind}/${obj.name}${namespace ? `/${obj.metadata.namespace}` : ''}`).toBe(key);
        const emitted = objs.filter((o) => o.kind === kind && o.metadata.name === name && (!namespace || o.metadata.namespace === namespace));
        expect({ key, count: emitted.length, annotations: emitted[0]?.metadata.annotations }).toEqual({ key, count: 1, annotations: expect.objectContaining({ team: 'platform' }) });
      }
    };
    // IPVS: no fallback through kube-proxy, so the secondary DaemonSet is emitted
    const chart = Testing.chart();
    const profile = new ClusterProfile({ apiServerHost: '10.0.0.1' });
    new TunedKubeProxy(chart, 'KubeProxy', { profile, mode: KubeProxyMode.IPVS });
    const nld = new NodeLocalDns(chart, 'Nld', { profile });
    const deny = new DefaultDenyPolicy(chart, 'Deny', { profile, namespaces: ['team-a', 'team-b'], createNamespaces: true, allowSameNamespace: true });
    const flannel = new FlannelTuning(chart, 'Flannel', { profile });
    expect(nld.highAvailability).toBe(true);
    patched({
      'ConfigMap/node-local-dns': nld.configMap,
      'DaemonSet/node-local-dns': nld.daemonSet,
      'DaemonSet/node-local-dns-secondary': nld.secondaryDaemonSet!,
      'Service/kube-dns-upstream': nld.upstreamService,
      'Service/node-local-dns': nld.metricsService,
      'Service/node-local-dns-secondary': nld.secondaryMetricsService!,
      'ConfigMap/kube-flannel-cfg': flannel.configMap,
      'Namespace/team-b': deny.namespaceObject('team-b')!,
      ...Object.fromEntries(deny.policiesIn('team-a').map((p) => [`NetworkPolicy/${p.name}/team-a`, p])),
    }, () => chart);
    expect(deny.policiesIn('team-a').map((p) => p.name)).toEqual(['default-deny-all', 'allow-dns-egress', 'allow-same-namespace']);
    // a copy: changing the list does not change the policy
    deny.policiesIn('team-a').pop();
    expect(deny.policiesIn('team-a')).toHaveLength(3);
    expect(() => deny.policiesIn('team-c')).toThrow("[DefaultDenyPolicy.policiesIn] 'namespaceName' (team-c) is not one of the namespaces test/Deny protects (team-a, team-b)");
    expect(() => deny.policiesIn(42 as any)).toThrow("'namespaceName' (42) must be a string");

    const calicoChart = Testing.chart();
    const calico = new CalicoTuning(calicoChart, 'Calico', { profile, bpfEnabled: true });
    patched({
      'FelixConfiguration/default': calico.felixConfiguration,
      'IPPool/default-ipv4-ippool': calico.ipPoolObjects[0],
      'ConfigMap/kubernetes-services-endpoint': calico.servicesEndpoint!,
    }, () => calicoChart);
    expect(calico.installation).toBeUndefined();
    const operatorChart = Testing.chart();
    const operator = new CalicoTuning(operatorChart, 'Calico', { profile, installMethod: CalicoInstallMethod.OPERATOR });
    patched({ 'Installation/default': operator.installation! }, () => operatorChart);
    expect([operator.ipPoolObjects, operator.servicesEndpoint]).toEqual([[], undefined]);

    const ciliumChart = Testing.chart();
    const cilium = new CiliumTuning(ciliumChart, 'Cilium', { profile, helmRelease: true });
    patched({
      'HelmRelease/cilium': cilium.helmReleaseObject!,
      'HelmRepository/cilium': cilium.helmRepositoryObject!,
      'ConfigMap/cilium-values': cilium.valuesConfigMap!,
    }, () => ciliumChart);
    const plain = new CiliumTuning(Testing.chart(), 'Cilium', { profile });
    expect([plain.helmReleaseObject, plain.helmRepositoryObject, plain.valuesConfigMap]).toEqual([undefined, undefined, undefined]);
  });

  test('no workload handle where kubeadm runs the workload', () => {
    const chart = Testing.chart();
    expect(new TunedKubeProxy(chart, 'KubeProxy').daemonSet).toBeUndefined();
    const coreDns = new TunedCoreDns(chart, 'CoreDns');
    expect([coreDns.deployment, coreDns.service]).toEqual([undefined, undefined]);
  });
});
