import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AllowPolicy, PolicyPeer } from '../../src';
import { only, synthValid } from '../util';

describe('AllowPolicy', () => {
  test('the guide\'s allow-app policy: frontend pods to my-app on TCP 8080', () => {
    const chart = Testing.chart();
    new AllowPolicy(chart, 'allow-app', {
      name: 'allow-app',
      policyNamespace: 'production',
      podLabels: { app: 'my-app' },
      ingress: [{ peers: [PolicyPeer.pods({ role: 'frontend' })], ports: [kplus.NetworkPolicyPort.tcp(8080)] }],
    });
    expect(only(synthValid(chart), 'NetworkPolicy')).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-app', namespace: 'production' },
      spec: {
        podSelector: { matchLabels: { app: 'my-app' } },
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: { role: 'frontend' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }],
      },
    });
  });

  test('pods, namespaces, both at once, IP blocks and any cdk8s-plus peer', () => {
    const chart = Testing.chart();
    const web = new kplus.Deployment(chart, 'web', { containers: [{ image: 'nginx:1.27', portNumber: 80 }] });
    const policy = new AllowPolicy(chart, 'p', {
      podLabels: { app: 'api' },
      ingress: [
        { peers: [PolicyPeer.namespaces('monitoring', 'ops')], ports: [kplus.NetworkPolicyPort.tcp(9090)] },
        { peers: [PolicyPeer.podsInNamespaces({ app: 'gateway' }, ['edge'])], ports: [kplus.NetworkPolicyPort.tcp(8443)] },
        { peers: [PolicyPeer.namespacesLabelled({ team: 'payments' }), PolicyPeer.of(web)], ports: [kplus.NetworkPolicyPort.tcp(8080)] },
      ],
      egress: [{ peers: [PolicyPeer.ipBlock('203.0.113.0/24', ['203.0.113.128/25'])], ports: [kplus.NetworkPolicyPort.tcp(443)] }],
    });
    const np = synthValid(chart).find((o) => o.kind === 'NetworkPolicy')!;
    expect([...np.spec.policyTypes].sort()).toEqual(['Egress', 'Ingress']);
    const from = np.spec.ingress.map((r: any) => r.from);
    // namespaces by name: one peer per namespace (kubernetes.io/metadata.name), all of its pods
    expect(from[0]).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: {} },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ops' } }, podSelector: {} },
    ]);
    // pods AND namespace in one peer
    expect(from[1]).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } }, podSelector: { matchLabels: { app: 'gateway' } } }]);
    expect(from[2]).toEqual([{ namespaceSelector: { matchLabels: { team: 'payments' } }, podSelector: {} }]);
    // a cdk8s-plus workload as peer: cdk8s-plus selects its pods
    expect(from[3][0].podSelector.matchLabels).toEqual({ 'cdk8s.io/metadata.addr': expect.stringMatching(/^test-web-/) });
    expect(np.spec.egress[0]).toEqual({ to: [{ ipBlock: { cidr: '203.0.113.0/24', except: ['203.0.113.128/25'] } }], ports: [{ port: 443, protocol: 'TCP' }] });
    expect(policy.policy).toBeInstanceOf(kplus.NetworkPolicy);
  });

  test('an empty egress list denies all egress for the selected pods', () => {
    const chart = Testing.chart();
    new AllowPolicy(chart, 'p', { podLabels: { app: 'batch' }, egress: [] });
    expect(only(synthValid(chart), 'NetworkPolicy').spec).toEqual({ podSelector: { matchLabels: { app: 'batch' } }, policyTypes: ['Egress'] });
  });

  test('validation', () => {
    const fails = (props: any, message: string) => expect(() => new AllowPolicy(Testing.chart(), 'p', props)).toThrow(message);
    fails({ podLabels: {}, ingress: [] }, "[test/p] 'podLabels' ({}) must hold at least one label");
    fails({ podLabels: { 'app name': 'x' }, ingress: [] }, "'podLabels' (\"app name\") is not a label key");
    fails({ podLabels: { app: 'x\ny' }, ingress: [] }, "'podLabels[app]' (\"x\\ny\") is not a label value");
    fails({ podLabels: { app: 'x' } }, "'ingress' or 'egress' must be set");
    fails({ podLabels: { app: 'x' }, ingress: [{ peers: [], ports: [kplus.NetworkPolicyPort.tcp(80)] }] }, "'ingress[0].peers' ([]) must list at least one peer");
    fails({ podLabels: { app: 'x' }, ingress: [{ peers: [PolicyPeer.pods({ a: 'b' })], ports: [] }] }, "'ingress[0].ports' ([]) must list specific ports");
    fails({ podLabels: { app: 'x' }, policyNamespace: 'Prod', ingress: [] }, "'policyNamespace' (Prod) must be a namespace name");
    expect(() => PolicyPeer.ipBlock('10.0.0.0/8', ['192.168.0.0/16'])).toThrow("[PolicyPeer.ipBlock] 'exceptCidrs[0]' (192.168.0.0/16) must lie inside 'cidr' (10.0.0.0/8)");
    expect(() => PolicyPeer.ipBlock('10.0.0.1/8')).toThrow("'cidr' (10.0.0.1/8) has host bits set");
    expect(() => PolicyPeer.namespaces()).toThrow("[PolicyPeer.namespaces] 'namespaces' ([]) must name at least one namespace");
    expect(() => PolicyPeer.podsInNamespaces({ app: 'x' }, ['Bad'])).toThrow("'namespaces[0]' (Bad) must be a namespace name");
  });
});
