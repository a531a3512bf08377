import { Duration, Testing } from 'cdk8s';
import {
  CalicoBpfLogLevel, CalicoEncapsulationMode, CalicoExternalServiceMode, CalicoInstallMethod, CalicoLogSeverity, CalicoNftablesMode, CalicoTuning,
  CalicoTuningProps, ClusterProfile, ScaleTier, TuningReport,
} from '../../src';
import { only, synthValid } from '../util';

function render(props: CalicoTuningProps = {}) {
  const chart = Testing.chart();
  new CalicoTuning(chart, 'Calico', props);
  return { chart, objs: synthValid(chart) };
}
const fails = (props: CalicoTuningProps, message: string) => expect(() => new CalicoTuning(Testing.chart(), 'Calico', props)).toThrow(message);
const API = new ClusterProfile({ apiServerHost: '10.0.0.100' });

describe('CalicoTuning', () => {
  test('the guide\'s FelixConfiguration and IPPool, with the real field names, valid against the v3 CRDs', () => {
    const { objs } = render({ tier: ScaleTier.MEDIUM });
    expect(objs.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).toEqual([
      'projectcalico.org/v3 FelixConfiguration/default', 'projectcalico.org/v3 IPPool/default-ipv4-ippool',
    ]);
    // No reportingInterval: calico-node sets 0 at startup on purpose (only OpenStack reads status reports).
    expect(only(objs, 'FelixConfiguration').spec).toEqual({ bpfEnabled: false, bpfLogLevel: 'Off', ipForwarding: 'Enabled', logSeverityScreen: 'Warning' });
    // The guide's 10.244.0.0/16 gives 256 nodes a /24 each; the medium tier plans for 500: its aligned supernet.
    expect(only(objs, 'IPPool').spec).toEqual({ cidr: '10.244.0.0/15', vxlanMode: 'Always', ipipMode: 'Never', natOutgoing: true, blockSize: 26, nodeSelector: 'all()' });
  });

  test('never emits the guide\'s bpfDisableUnprivilegedBPF; the real field needs an opt-in to be turned off', () => {
    const { objs, chart } = render({ bpfDisableUnprivileged: false, allowUnprivilegedBpf: true });
    const spec = only(objs, 'FelixConfiguration').spec;
    expect(spec.bpfDisableUnprivileged).toBe(false);
    expect(spec.bpfDisableUnprivilegedBPF).toBeUndefined();
    expect(TuningReport.of(chart).warnings.map((w) => w.ruleId)).toEqual(['CALICO-UNPRIVILEGED-BPF', 'CALICO-IPPOOL-IMMUTABLE']);
    fails({ bpfDisableUnprivileged: false }, "[test/Calico] 'bpfDisableUnprivileged' (false) lets unprivileged users load BPF programs (a security downgrade): set 'allowUnprivilegedBpf' to accept it");
  });

  test('eBPF: needs the API server; emits kubernetes-services-endpoint', () => {
    fails({ bpfEnabled: true }, "[test/Calico] 'bpfEnabled' needs the profile's 'apiServerHost'");
    const { objs } = render({ bpfEnabled: true, profile: API, bpfExternalServiceMode: CalicoExternalServiceMode.DSR });
    expect(only(objs, 'FelixConfiguration').spec).toMatchObject({ bpfEnabled: true, bpfExternalServiceMode: 'DSR' });
    // The manifest's calico-node reads it from kube-system (its own namespace); the operator's from tigera-operator.
    expect(only(objs, 'ConfigMap', 'kubernetes-services-endpoint')).toMatchObject({ metadata: { namespace: 'kube-system' }, data: { KUBERNETES_SERVICE_HOST: '10.0.0.100', KUBERNETES_SERVICE_PORT: '6443' } });
    const operator = render({ bpfEnabled: true, profile: API, installMethod: CalicoInstallMethod.OPERATOR }).objs;
    expect(only(operator, 'ConfigMap', 'kubernetes-services-endpoint').metadata.namespace).toBe('tigera-operator');
    fails({ bpfExternalServiceMode: CalicoExternalServiceMode.DSR }, "'bpfExternalServiceMode' only applies with 'bpfEnabled'");
  });

  test('overrides: log levels, interval, nftables mode', () => {
    const spec = only(render({
      bpfLogLevel: CalicoBpfLogLevel.DEBUG,
      logSeverityScreen: CalicoLogSeverity.INFO,
      reportingInterval: Duration.minutes(1),
      nftablesMode: CalicoNftablesMode.AUTO,
    }).objs, 'FelixConfiguration').spec;
    expect(spec).toMatchObject({ bpfLogLevel: 'Debug', logSeverityScreen: 'Info', reportingInterval: '1m', nftablesMode: 'Auto' });
  });

  test('dual-stack profile: one pool per family, no IPIP on IPv6', () => {
    const { objs } = render({ profile: new ClusterProfile({ podCidr: '10.244.0.0/16,fd00:10:244::/56', serviceCidr: '10.96.0.0/12,fd00:10:96::/108' }) });
    const v6 = only(objs, 'IPPool', 'default-ipv6-ippool').spec;
    expect(v6).toMatchObject({ cidr: 'fd00:10:244::/56', ipipMode: 'Never', blockSize: 122 });
  });

  test('Calico\'s CRD rules: encapsulations, block size, CIDR', () => {
    fails({ ipPools: [{ cidr: '10.244.0.0/16', ipipMode: CalicoEncapsulationMode.ALWAYS }] },
      "[test/Calico] 'ipPools[0].ipipMode' (Always) cannot be enabled together with vxlanMode (Always): ipipMode and vxlanMode cannot both be enabled");
    fails({ ipPools: [{ cidr: 'fd00:10:244::/56', vxlanMode: CalicoEncapsulationMode.NEVER, ipipMode: CalicoEncapsulationMode.CROSS_SUBNET }] },
      "'ipPools[0].ipipMode' (CrossSubnet) must be Never: IPIP is not supported on IPv6 pools");
    fails({ ipPools: [{ cidr: '10.244.0.0/16', blockSize: 19 }] }, "'ipPools[0].blockSize' (19) must be an integer in 20..32");
    fails({ ipPools: [{ cidr: 'fd00:10:244::/56', blockSize: 112 }] }, "'ipPools[0].blockSize' (112) must be an integer in 116..128");
    fails({ ipPools: [{ cidr: '10.244.0.0/28', blockSize: 26 }] }, "'ipPools[0].blockSize' (26) must be >= the pool's prefix length (/28)");
    fails({ ipPools: [{ cidr: '10.244.1.0/16' }] }, "'ipPools[0].cidr' (10.244.1.0/16) has host bits set");
    fails({ ipPools: [{ cidr: '169.254.0.0/16' }] }, "'ipPools[0].cidr' (169.254.0.0/16) must not overlap link-local space (169.254.0.0/16)");
    fails({ ipPools: [{ cidr: '10.244.0.0/16', vxlanMode: 'Sometimes' as CalicoEncapsulationMode }] }, "'ipPools[0].vxlanMode' (Sometimes) must be one of: Never, Always, CrossSubnet");
    fails({ ipPools: [] }, "'ipPools' ([]) must list at least one pool");
    fails({ ipPools: [{ cidr: '10.244.0.0/17' }, { cidr: '10.244.128.0/17' }] }, "'ipPools[1].name' (default-ipv4-ippool) is used by another pool");
  });

  test('a pool outside the profile\'s Pod CIDR is a warning', () => {
    const { chart } = render({ ipPools: [{ name: 'extra', cidr: '10.50.0.0/16' }] });
    expect(TuningReport.of(chart).warnings.map((w) => w.ruleId)).toEqual(['CALICO-POOL-OUTSIDE-POD-CIDR', 'CALICO-IPPOOL-IMMUTABLE']);
  });

  test('manifest install: a pool cannot change once calico-node created it, so the warning gives the calico-node settings', () => {
    const { chart } = render({ tier: ScaleTier.MEDIUM });
    const [w] = TuningReport.of(chart).warnings;
    expect(w.ruleId).toBe('CALICO-IPPOOL-IMMUTABLE');
    expect(w.message).toBe("IPPool 'default-ipv4-ippool' (10.244.0.0/15, blockSize 26): cidr and blockSize cannot change once a pool exists, "
      + 'and calico-node creates default-ipv4-ippool at first start from CALICO_IPV4POOL_CIDR (192.168.0.0/16 when unset): applying a different pool then fails');
    expect(w.fix).toContain('set CALICO_IPV4POOL_CIDR=10.244.0.0/15 CALICO_IPV4POOL_BLOCK_SIZE=26 on it');
    expect(TuningReport.of(chart).decisions.find((d) => d.setting === 'ipPool[default-ipv4-ippool].immutable')?.value).toBe('cidr 10.244.0.0/15, blockSize 26');
  });

  test('tigera-operator install: the data plane and pools go in the Installation; the operator owns bpfEnabled and the pools', () => {
    const { objs, chart } = render({ tier: ScaleTier.MEDIUM, installMethod: CalicoInstallMethod.OPERATOR });
    expect(objs.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`)).toEqual([
      'projectcalico.org/v3 FelixConfiguration/default', 'operator.tigera.io/v1 Installation/default',
    ]);
    expect(only(objs, 'FelixConfiguration').spec).toEqual({ bpfLogLevel: 'Off', ipForwarding: 'Enabled', logSeverityScreen: 'Warning' });
    expect(only(objs, 'Installation')).toMatchObject({
      metadata: { name: 'default' },
      spec: {
        calicoNetwork: {
          linuxDataplane: 'Iptables',
          ipPools: [{ name: 'default-ipv4-ippool', cidr: '10.244.0.0/15', blockSize: 26, encapsulation: 'VXLAN', natOutgoing: 'Enabled', nodeSelector: 'all()' }],
        },
      },
    });
    expect(only(objs, 'Installation').metadata.namespace).toBeUndefined();
    expect(TuningReport.of(chart).warnings).toEqual([]);
  });

  test.each([
    ['bpfEnabled', { bpfEnabled: true, profile: API }, 'BPF'],
    ['nftablesMode Enabled', { nftablesMode: CalicoNftablesMode.ENABLED }, 'Nftables'],
    ['nftablesMode Auto', { nftablesMode: CalicoNftablesMode.AUTO }, 'Nftables'],
    ['nftablesMode Disabled', { nftablesMode: CalicoNftablesMode.DISABLED }, 'Iptables'],
  ] as [string, CalicoTuningProps, string][])('operator: %s is linuxDataplane %s, never a FelixConfiguration field', (_, props, dataplane) => {
    const { objs } = render({ ...props, installMethod: CalicoInstallMethod.OPERATOR });
    expect(only(objs, 'Installation').spec.calicoNetwork.linuxDataplane).toBe(dataplane);
    expect(only(objs, 'FelixConfiguration').spec).not.toHaveProperty('bpfEnabled');
    expect(only(objs, 'FelixConfiguration').spec).not.toHaveProperty('nftablesMode');
  });

  test('operator: encapsulation and NAT in the operator\'s words', () => {
    const pool = (o: Partial<{ vxlanMode: CalicoEncapsulationMode; ipipMode: CalicoEncapsulationMode; natOutgoing: boolean }>) =>
      only(render({ installMethod: CalicoInstallMethod.OPERATOR, ipPools: [{ cidr: '10.244.0.0/16', ...o }] }).objs, 'Installation').spec.calicoNetwork.ipPools[0];
    expect(pool({ vxlanMode: CalicoEncapsulationMode.CROSS_SUBNET })).toMatchObject({ encapsulation: 'VXLANCrossSubnet' });
    expect(pool({ vxlanMode: CalicoEncapsulationMode.NEVER, ipipMode: CalicoEncapsulationMode.ALWAYS })).toMatchObject({ encapsulation: 'IPIP' });
    expect(pool({ vxlanMode: CalicoEncapsulationMode.NEVER, ipipMode: CalicoEncapsulationMode.CROSS_SUBNET })).toMatchObject({ encapsulation: 'IPIPCrossSubnet' });
    expect(pool({ vxlanMode: CalicoEncapsulationMode.NEVER, natOutgoing: false })).toMatchObject({ encapsulation: 'None', natOutgoing: 'Disabled' });
    fails({ installMethod: 'helm' as CalicoInstallMethod }, "'installMethod' (helm) must be one of: manifest, operator");
  });

  test('reportingInterval only when asked (OpenStack)', () => {
    const { objs, chart } = render({ reportingInterval: Duration.seconds(30) });
    expect(only(objs, 'FelixConfiguration').spec.reportingInterval).toBe('30s');
    expect(TuningReport.of(render().chart).decisions.find((d) => d.setting === 'reportingInterval')?.value).toBe('(calico-node: 0)');
    expect(TuningReport.of(chart).decisions.find((d) => d.setting === 'reportingInterval')?.source).toBe('override');
  });
});
