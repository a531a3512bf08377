import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ClusterProfile, KubernetesVersion, PodSysctlTuning, PodSysctlTuningProps, TuningReport } from '../../src';
import { only, synthValid } from '../util';

function app(props: PodSysctlTuningProps = {}) {
  const chart = Testing.chart();
  new ApiObject(chart, 'raw', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'raw' },
    spec: { selector: { matchLabels: { app: 'raw' } }, template: { metadata: { labels: { app: 'raw' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } },
  });
  new kplus.Deployment(chart, 'plus', { containers: [{ image: 'nginx:1.27', portNumber: 80 }] });
  const tuning = new PodSysctlTuning(chart, 'PodSysctls', props);
  return { chart, tuning };
}

/** Tests about Kubernetes 1.28's safe set target it explicitly: the profile's default is KubernetesVersion.DEFAULT (1.36). */
const V1_28 = new ClusterProfile({ kubernetesVersion: KubernetesVersion.V1_28 });
/** The keepalive keys are pod-safe from 1.29 (so on the default 1.36), with the tier's values. */
const KEEPALIVE = [
  { name: 'net.ipv4.tcp_keepalive_intvl', value: '30' },
  { name: 'net.ipv4.tcp_keepalive_probes', value: '10' },
  { name: 'net.ipv4.tcp_keepalive_time', value: '600' },
];

const sysctlsOf = (objs: any[], name?: string) => (name ? only(objs, 'Deployment', name) : objs.find((o: any) => o.kind === 'Deployment' && o.metadata.name !== 'raw'))
  .spec.template.spec.securityContext?.sysctls;

describe('PodSysctlTuning', () => {
  test('on 1.28 only ip_local_port_range is safe for pods; it reaches raw and cdk8s-plus workloads', () => {
    const { chart, tuning } = app({ profile: V1_28 });
    const objs = synthValid(chart);
    expect(sysctlsOf(objs, 'raw')).toEqual([{ name: 'net.ipv4.ip_local_port_range', value: '32768 65535' }]);
    expect(sysctlsOf(objs)).toEqual(expect.arrayContaining([{ name: 'net.ipv4.ip_local_port_range', value: '32768 65535' }]));
    expect(tuning.allowedUnsafeSysctls).toEqual([
      'net.core.somaxconn', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_keepalive_time',
      'net.ipv4.tcp_max_syn_backlog', 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_tw_reuse',
    ]);
    expect(tuning.kubeletConfigYaml).toContain('kind: KubeletConfiguration');
    expect(tuning.kubeletConfigYaml).toContain('  - net.core.somaxconn');
  });

  test('the safe set grows with the version: keepalive from 1.29, slow start from 1.37', () => {
    const safe = (v: KubernetesVersion) => app({ profile: new ClusterProfile({ kubernetesVersion: v }) }).tuning.safeSysctls.map((s) => s.name);
    expect(safe(KubernetesVersion.V1_29)).toEqual(['net.ipv4.ip_local_port_range', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_keepalive_time']);
    expect(safe(KubernetesVersion.V1_37)).toContain('net.ipv4.tcp_slow_start_after_idle');
    expect(safe(KubernetesVersion.V1_37)).not.toContain('net.core.somaxconn');
  });

  test('explicit unsafe sysctls need includeUnsafe; then they are applied with a warning', () => {
    expect(() => app({ profile: V1_28, sysctls: { 'net.core.somaxconn': '4096' } })).toThrow(
      "[test/PodSysctls] 'sysctls[net.core.somaxconn]' (4096) is unsafe on Kubernetes 1.28 (never in the kubelet's safe set): set 'includeUnsafe' and list it in the kubelet's allowedUnsafeSysctls on the target nodes");
    const { chart } = app({ profile: V1_28, sysctls: { 'net.core.somaxconn': '4096' }, includeUnsafe: true });
    expect(sysctlsOf(synthValid(chart), 'raw')).toEqual([{ name: 'net.core.somaxconn', value: '4096' }]);
    expect(TuningReport.of(chart).warnings.map((w) => w.ruleId)).toEqual(['POD-SYSCTL-UNSAFE']);
  });

  test('node-wide keys are refused', () => {
    expect(() => app({ sysctls: { 'fs.file-max': '100' } })).toThrow("'sysctls' (fs.file-max) is node-wide: Kubernetes refuses it in a pod's securityContext; set it on nodes with SysctlTuner");
  });

  test('a workload\'s own sysctls win unless overrideExisting', () => {
    const build = (overrideExisting: boolean) => {
      const chart = Testing.chart();
      new ApiObject(chart, 'own', {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'own' },
        spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }], securityContext: { sysctls: [{ name: 'net.ipv4.ip_local_port_range', value: '2000 3000' }] } } } } } },
      });
      new PodSysctlTuning(chart, 'PodSysctls', { overrideExisting });
      return only(synthValid(chart), 'CronJob').spec.jobTemplate.spec.template.spec.securityContext.sysctls;
    };
    expect(build(false)).toEqual([{ name: 'net.ipv4.ip_local_port_range', value: '2000 3000' }, ...KEEPALIVE]);
    expect(build(true)).toEqual([{ name: 'net.ipv4.ip_local_port_range', value: '32768 65535' }, ...KEEPALIVE]);
  });

  test('host-network pods get no net.* sysctls (the kubelet refuses them)', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'agent', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { hostNetwork: true, containers: [{ name: 'c', image: 'busybox:1.36' }] } } },
    });
    new PodSysctlTuning(chart, 'PodSysctls');
    expect(only(synthValid(chart), 'DaemonSet').spec.template.spec.securityContext).toBeUndefined();
  });

  test('appliesTo limits the workloads, within the same app', () => {
    const testApp = Testing.app();
    const chart = new Chart(testApp, 'tuning');
    const other = new Chart(testApp, 'apps');
    const pod = { apiVersion: 'v1', kind: 'Pod', spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } };
    new ApiObject(other, 'p', { ...pod, metadata: { name: 'p' } });
    new ApiObject(chart, 'q', { ...pod, metadata: { name: 'q' } });
    new PodSysctlTuning(chart, 'PodSysctls', { appliesTo: other });
    expect(only(synthValid(other), 'Pod').spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_local_port_range', value: '32768 65535' }, ...KEEPALIVE]);
    expect(only(synthValid(chart), 'Pod').spec.securityContext).toBeUndefined();

    expect(() => new PodSysctlTuning(Testing.chart(), 'Elsewhere', { appliesTo: other })).toThrow(
      "[test/Elsewhere] 'appliesTo' (apps) must be in the same app as this construct (it is tuned when this app is synthesized)");
  });
});
