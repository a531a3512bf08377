/*
 * Security defaults over everything the library can deploy: every example
 * cluster, plus NetworkTuning per tier with every workload turned on. Each
 * privilege is allowed for one container only, with the reason (README
 * "Security defaults"); RBAC must equal what upstream grants.
 */
import { App, Chart, Testing } from 'cdk8s';
import { CLUSTERS } from '../examples/clusters';
import { ClusterProfile, KubernetesVersion, NetworkTuning, ScaleTier } from '../src';
import { assertValid } from './util';

function objectsOf(app: App): any[] {
  return app.charts.flatMap((c) => assertValid(c.toJson()));
}

function everything(): any[] {
  const objs: any[] = [];
  for (const build of Object.values(CLUSTERS)) {
    const app = Testing.app();
    build(app);
    objs.push(...objectsOf(app));
  }
  for (const tier of Object.values(ScaleTier)) {
    for (const version of [KubernetesVersion.V1_28, KubernetesVersion.NEWEST]) {
      const app = Testing.app();
      // LARGE keeps kube-proxy here (Cilium without its replacement), so every workload is covered.
      new NetworkTuning(new Chart(app, 'network'), 'tuning', {
        tier,
        profile: new ClusterProfile({ kubernetesVersion: version, apiServerHost: '10.0.0.1' }),
        kubeProxy: { deployDaemonSet: true },
        coreDns: { deploy: true, autoscaler: true },
        ...(tier === ScaleTier.LARGE ? { cilium: { kubeProxyReplacement: false } } : {}),
      });
      objs.push(...objectsOf(app));
    }
  }
  return objs;
}

const OBJECTS = everything();

interface Container {
  readonly where: string;
  readonly pod: any;
  readonly c: any;
}

function containers(): Container[] {
  const out: Container[] = [];
  for (const o of OBJECTS) {
    const pod = o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
    if (!pod) continue;
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) out.push({ where: `${o.kind}/${o.metadata.name}/${c.name}`, pod, c });
  }
  return out;
}

const CONTAINERS = containers();
const ours = CONTAINERS.filter((x) => !x.where.includes('apps-web')); // the examples' sample app is not the library's

/** Every privilege a library container holds, and why (kept in the README). */
const PRIVILEGES: Record<string, string> = {
  // kubeadm's kube-proxy: programs iptables/IPVS/nftables and writes conntrack sysctls on the host.
  'DaemonSet/kube-proxy/kube-proxy': 'privileged hostNetwork',
  // Writes the host's sysctls (net.* in the host's namespace) and loads their modules with the host's
  // modprobe (nsenter into PID 1's mount namespace), then applies them again every few minutes.
  'DaemonSet/network-sysctl-tuner/apply-sysctls': 'privileged hostNetwork hostPID',
  'DaemonSet/network-sysctl-tuner/reapply-sysctls': 'privileged hostNetwork hostPID',
  // Binds the link-local address on a dummy interface and installs NOTRACK rules (upstream's only capability).
  'DaemonSet/node-local-dns/node-cache': 'NET_ADMIN hostNetwork',
  // The highly available twin (kubespray's secondary DaemonSet): the same needs.
  'DaemonSet/node-local-dns-secondary/node-cache': 'NET_ADMIN hostNetwork',
  // Listens on port 53 as a non-root user.
  'Deployment/coredns/coredns': 'NET_BIND_SERVICE',
};

function privilegesOf(x: Container): string {
  const sc = x.c.securityContext ?? {};
  return [
    ...(sc.privileged ? ['privileged'] : []),
    ...(sc.capabilities?.add ?? []),
    ...(x.pod.hostNetwork ? ['hostNetwork'] : []),
    ...(x.pod.hostPID ? ['hostPID'] : []),
    ...(x.pod.hostIPC ? ['hostIPC'] : []),
    ...(sc.allowPrivilegeEscalation === true ? ['allowPrivilegeEscalation'] : []),
  ].join(' ');
}

test('the suite sees every library workload', () => {
  expect([...new Set(ours.map((x) => x.where))].sort()).toEqual([
    'DaemonSet/kube-proxy/kube-proxy', 'DaemonSet/network-sysctl-tuner/apply-sysctls', 'DaemonSet/network-sysctl-tuner/reapply-sysctls',
    'DaemonSet/node-local-dns-secondary/node-cache', 'DaemonSet/node-local-dns/node-cache', 'Deployment/coredns-autoscaler/autoscaler', 'Deployment/coredns/coredns',
  ]);
});

test('no image is unpinned or "latest"', () => {
  for (const { where, c } of CONTAINERS) {
    expect({ where, image: c.image }).toEqual({ where, image: expect.stringMatching(/^[a-z0-9.-]+(\/[a-z0-9._-]+)+(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/) });
    expect({ where, latest: /:latest$/.test(c.image) }).toEqual({ where, latest: false });
  }
});

test('every container has CPU and memory requests and a memory limit (no CPU limit: CFS throttling delays DNS and rule syncs)', () => {
  for (const { where, c } of ours) {
    expect({ where, resources: c.resources }).toEqual({
      where,
      resources: { requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } },
    });
  }
});

test('privileges only where the component needs them', () => {
  for (const x of ours) {
    expect({ where: x.where, privileges: privilegesOf(x) }).toEqual({ where: x.where, privileges: PRIVILEGES[x.where] ?? '' });
  }
});

test('containers without privileges drop every capability and run read-only', () => {
  for (const x of ours.filter((y) => !PRIVILEGES[y.where]?.match(/privileged|NET_ADMIN/))) {
    expect({ where: x.where, drop: x.c.securityContext?.capabilities?.drop }).toEqual({ where: x.where, drop: ['ALL'] });
    expect({ where: x.where, ro: x.c.securityContext?.readOnlyRootFilesystem }).toEqual({ where: x.where, ro: true });
  }
});

test('RBAC is what upstream grants, nothing more', () => {
  const roles = new Map<string, any>();
  for (const o of OBJECTS.filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')) roles.set(`${o.kind}/${o.metadata.name}`, o.rules);
  expect(Object.fromEntries(roles)).toEqual({
    // kubeadm's CoreDNS ClusterRole.
    'ClusterRole/system:coredns': [
      { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
    ],
    // kubernetes/kubernetes cluster/addons/dns-horizontal-autoscaler.
    'ClusterRole/system:coredns-autoscaler': [
      { apiGroups: [''], resources: ['nodes'], verbs: ['list', 'watch'] },
      { apiGroups: [''], resources: ['replicationcontrollers/scale'], verbs: ['get', 'update'] },
      { apiGroups: ['apps'], resources: ['deployments/scale', 'replicasets/scale'], verbs: ['get', 'update'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'create'] },
    ],
  });
  const bindings = new Map<string, any>();
  for (const o of OBJECTS.filter((x) => x.kind.endsWith('Binding'))) bindings.set(`${o.kind}/${o.metadata.name}`, [o.roleRef.name, o.subjects]);
  expect(Object.fromEntries(bindings)).toEqual({
    'ClusterRoleBinding/system:coredns': ['system:coredns', [{ kind: 'ServiceAccount', name: 'coredns', namespace: 'kube-system' }]],
    'ClusterRoleBinding/system:coredns-autoscaler': ['system:coredns-autoscaler', [{ kind: 'ServiceAccount', name: 'coredns-autoscaler', namespace: 'kube-system' }]],
    // kubeadm binds kube-proxy to the built-in system:node-proxier role.
    'ClusterRoleBinding/kubeadm:node-proxier': ['system:node-proxier', [{ kind: 'ServiceAccount', name: 'kube-proxy', namespace: 'kube-system' }]],
  });
  expect(OBJECTS.some((o) => JSON.stringify(o.rules ?? []).includes('"*"'))).toBe(false);
});

test('service account tokens are mounted only where upstream mounts them, and grant only the roles above', () => {
  // node-local-dns keeps upstream's token; its ServiceAccount is bound to no role (checked above).
  const needsApi = new Set(['kube-proxy', 'coredns', 'coredns-autoscaler', 'node-local-dns', 'node-local-dns-secondary']);
  for (const o of OBJECTS.filter((x) => ['DaemonSet', 'Deployment'].includes(x.kind) && x.metadata.namespace === 'kube-system')) {
    const mounted = o.spec.template.spec.automountServiceAccountToken !== false;
    expect({ name: o.metadata.name, mounted }).toEqual({ name: o.metadata.name, mounted: needsApi.has(o.metadata.name) });
  }
});
