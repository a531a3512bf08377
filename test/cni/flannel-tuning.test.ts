import { Testing } from 'cdk8s';
import { ClusterProfile, FlannelBackend, FlannelTuning, TuningReport } from '../../src';
import { only, synthValid } from '../util';

describe('FlannelTuning', () => {
  test('kube-flannel-cfg with the profile\'s Pod CIDR and the VXLAN backend', () => {
    const chart = Testing.chart();
    new FlannelTuning(chart, 'Flannel');
    const cm = only(synthValid(chart), 'ConfigMap', 'kube-flannel-cfg');
    expect(cm.metadata.namespace).toBe('kube-flannel');
    expect(JSON.parse(cm.data['net-conf.json'])).toEqual({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan' } });
    expect(JSON.parse(cm.data['cni-conf.json']).plugins.map((p: any) => p.type)).toEqual(['flannel', 'portmap']);
  });

  test('host-gw, dual-stack and another namespace', () => {
    const chart = Testing.chart();
    new FlannelTuning(chart, 'Flannel', {
      backend: FlannelBackend.HOST_GW,
      flannelNamespace: 'kube-system',
      profile: new ClusterProfile({ podCidr: '10.1.0.0/16,fd00:10:1::/56', serviceCidr: '10.96.0.0/12,fd00:10:96::/108' }),
    });
    const cm = only(synthValid(chart), 'ConfigMap');
    expect(cm.metadata.namespace).toBe('kube-system');
    expect(JSON.parse(cm.data['net-conf.json'])).toEqual({ Network: '10.1.0.0/16', EnableIPv6: true, IPv6Network: 'fd00:10:1::/56', Backend: { Type: 'host-gw' } });
    // host-gw needs nodes on one L2 segment, which this profile does not state.
    expect(TuningReport.of(chart).warnings.map((w) => w.ruleId)).toEqual(['FLANNEL-HOST-GW-L2']);
    const l2 = Testing.chart();
    new FlannelTuning(l2, 'Flannel', { backend: FlannelBackend.HOST_GW, profile: new ClusterProfile({ nodesShareL2Segment: true }) });
    synthValid(l2);
    expect(TuningReport.of(l2).warnings).toEqual([]);
  });

  test('refuses bad input', () => {
    expect(() => new FlannelTuning(Testing.chart(), 'Flannel', { backend: 'udp' as FlannelBackend })).toThrow("[test/Flannel] 'backend' (udp) must be one of: vxlan, host-gw");
    expect(() => new FlannelTuning(Testing.chart(), 'Flannel', { flannelNamespace: 'Kube_Flannel' })).toThrow("'flannelNamespace' (Kube_Flannel) must be a namespace name");
  });
});
