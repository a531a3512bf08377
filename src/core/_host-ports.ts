import type { NetworkPlan } from './_plan';
import { CniPlugin } from '../cni/cni-plugin';

/** A port something listens on in the host's network namespace, and who. */
export interface HostPort {
  readonly port: number;
  readonly who: string;
}

/*
 * The node's listeners an ephemeral port must never take: a daemon that restarts while an
 * outgoing connection holds its port fails with EADDRINUSE. From kubeadm's ports-and-protocols
 * page, the CNIs' requirements (Calico "network requirements", Cilium "firewall rules") and the
 * components of this app (node-local-dns, kube-proxy).
 */
const CONTROL_PLANE: HostPort[] = [
  { port: 2379, who: 'etcd client' }, { port: 2380, who: 'etcd peer' }, { port: 2381, who: 'etcd metrics' },
  { port: 10248, who: 'kubelet healthz' }, { port: 10250, who: 'kubelet' }, { port: 10257, who: 'kube-controller-manager' },
  { port: 10259, who: 'kube-scheduler' }, { port: 9100, who: 'node-exporter' },
];
const CNI_PORTS: Record<CniPlugin, HostPort[]> = {
  [CniPlugin.CALICO]: [
    { port: 179, who: 'Calico BGP' }, { port: 4789, who: 'Calico VXLAN' }, { port: 5473, who: 'Calico Typha' },
    { port: 9091, who: 'Calico Felix metrics' }, { port: 9099, who: 'Calico Felix health' },
    { port: 51820, who: 'Calico WireGuard' }, { port: 51821, who: 'Calico WireGuard (IPv6)' },
  ],
  [CniPlugin.CILIUM]: [
    { port: 4240, who: 'Cilium health' }, { port: 4244, who: 'Hubble' }, { port: 6081, who: 'Cilium Geneve' }, { port: 8472, who: 'Cilium VXLAN' },
    { port: 9876, who: 'Cilium agent API' }, { port: 9879, who: 'Cilium agent health' }, { port: 9962, who: 'Cilium agent metrics' },
    { port: 9963, who: 'Cilium operator metrics' }, { port: 9964, who: 'Cilium Envoy metrics' }, { port: 51871, who: 'Cilium WireGuard' },
  ],
  [CniPlugin.FLANNEL]: [{ port: 8472, who: 'Flannel VXLAN' }],
};

/** Every known listener on the nodes of the planned cluster. */
export function hostPorts(plan: NetworkPlan, extra: readonly HostPort[] = []): HostPort[] {
  const cni = plan.policy.cni;
  const cniPorts = cni ? CNI_PORTS[cni] : Object.values(CNI_PORTS).flat();
  const out: HostPort[] = [
    ...CONTROL_PLANE,
    { port: plan.profile.apiServerPort, who: 'kube-apiserver' },
    ...cniPorts,
    ...extra,
  ];
  if (plan.dataPlane.kind === 'kube-proxy') out.push({ port: 10249, who: 'kube-proxy metrics' }, { port: 10256, who: 'kube-proxy healthz' });
  const nld = plan.dns.nodeLocal;
  if (nld) {
    out.push({ port: nld.healthPort, who: 'node-local-dns health' }, { port: nld.healthPort + 1, who: 'node-local-dns-secondary health' },
      { port: 9253, who: 'node-local-dns metrics' }, { port: 9353, who: 'node-local-dns setup metrics' },
      { port: 9255, who: 'node-local-dns-secondary metrics' }, { port: 9355, who: 'node-local-dns-secondary setup metrics' });
  }
  return out;
}

/** A port list as sysctl writes it: sorted, adjacent ports joined into ranges ("30000-32767,51820-51821"). */
export function portList(ports: readonly number[]): string {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    out.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** The ports of a list such as "30000-32767,8080". */
export function portsOf(list: string): number[] {
  const out: number[] = [];
  for (const part of list.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) continue;
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    for (let p = lo; p <= hi && p <= 65535; p++) out.push(p);
  }
  return out;
}
