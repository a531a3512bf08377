import { JsonPatch, Testing } from 'cdk8s';
import { ClusterProfile, NetworkAlerts, SysctlTuner, TunedCoreDns, TunedKubeProxy } from '../src';
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
  });

  test('no workload handle where kubeadm runs the workload', () => {
    const chart = Testing.chart();
    expect(new TunedKubeProxy(chart, 'KubeProxy').daemonSet).toBeUndefined();
    const coreDns = new TunedCoreDns(chart, 'CoreDns');
    expect([coreDns.deployment, coreDns.service]).toEqual([undefined, undefined]);
  });
});
