import { IConstruct } from 'constructs';
import type { NetworkPlan } from './_plan';
import type { AppState } from './_registry';
import { CniPlugin } from '../cni/cni-plugin';

/** A port something listens on in the host's network namespace, and who. */
export interface HostPort {
  readonly port: number;
  readonly who: string;
  /** The address bound; undefined for every address (0.0.0.0 / ::), which takes the port on all of them. */
  readonly address?: string;
  /** @default TCP */
  readonly protocol?: 'TCP' | 'UDP';
}

/**
 * Whether two listeners would fight over one socket: same protocol and port, and a wildcard on
 * either side or one address (Linux refuses a specific bind under a wildcard one without SO_REUSEPORT).
 */
export function collide(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && (a.protocol ?? 'TCP') === (b.protocol ?? 'TCP')
    && (a.address === undefined || b.address === undefined || a.address === b.address);
}

/** The address part of "ip:port" as a HostPort address (undefined for a wildcard). */
export function boundAddress(ip: string): string | undefined {
  return ip === '0.0.0.0' || ip === '::' ? undefined : ip;
}

/*
 * The node's listeners an ephemeral port must never take: a daemon that restarts while an
 * outgoing connection holds its port fails with EADDRINUSE. From kubeadm's ports-and-protocols
 * page, the CNIs' requirements (Calico "network requirements", Cilium "firewall rules") and the
 * components of this app (node-local-dns, kube-proxy).
 */
const LOOPBACK = '127.0.0.1';
const CONTROL_PLANE: HostPort[] = [
  // kubeadm's static pods: etcd on the node IP and loopback, the others' metrics on loopback (--bind-address=127.0.0.1)
  { port: 2379, who: 'etcd client (control-plane nodes)' }, { port: 2380, who: 'etcd peer (control-plane nodes)' },
  { port: 2381, who: 'etcd metrics (control-plane nodes)', address: LOOPBACK },
  { port: 10248, who: 'kubelet healthz', address: LOOPBACK }, { port: 10250, who: 'kubelet' },
  { port: 10257, who: 'kube-controller-manager (control-plane nodes)', address: LOOPBACK },
  { port: 10259, who: 'kube-scheduler (control-plane nodes)', address: LOOPBACK }, { port: 9100, who: 'node-exporter' },
];
const CNI_PORTS: Record<CniPlugin, HostPort[]> = {
  [CniPlugin.CALICO]: [
    { port: 179, who: 'Calico BGP' }, { port: 4789, who: 'Calico VXLAN', protocol: 'UDP' }, { port: 5473, who: 'Calico Typha' },
    { port: 9091, who: 'Calico Felix metrics' }, { port: 9099, who: 'Calico Felix health', address: LOOPBACK },
    { port: 51820, who: 'Calico WireGuard', protocol: 'UDP' }, { port: 51821, who: 'Calico WireGuard (IPv6)', protocol: 'UDP' },
  ],
  [CniPlugin.CILIUM]: [
    { port: 4240, who: 'Cilium health' }, { port: 4244, who: 'Hubble' }, { port: 6081, who: 'Cilium Geneve', protocol: 'UDP' },
    { port: 8472, who: 'Cilium VXLAN', protocol: 'UDP' }, { port: 9876, who: 'Cilium agent API', address: LOOPBACK },
    { port: 9879, who: 'Cilium agent health', address: LOOPBACK }, { port: 9962, who: 'Cilium agent metrics' },
    { port: 9963, who: 'Cilium operator metrics' }, { port: 9964, who: 'Cilium Envoy metrics' }, { port: 51871, who: 'Cilium WireGuard', protocol: 'UDP' },
  ],
  [CniPlugin.FLANNEL]: [{ port: 8472, who: 'Flannel VXLAN', protocol: 'UDP' }],
};

/** Listeners of the cluster this app does not emit: control plane, kubelet, the CNI's. */
export function fixedHostPorts(plan: NetworkPlan): HostPort[] {
  const cni = plan.policy.cni;
  const cniPorts = cni ? CNI_PORTS[cni] : Object.values(CNI_PORTS).flat();
  return [...CONTROL_PLANE, { port: plan.profile.apiServerPort, who: 'kube-apiserver' }, ...cniPorts];
}

/** kubeadm's kube-proxy listens here when the app does not configure one. */
export const KUBEADM_KUBE_PROXY_PORTS: readonly HostPort[] = [
  // kubeadm leaves metricsBindAddress empty: kube-proxy's default 127.0.0.1:10249
  { port: 10249, who: 'kube-proxy metrics (127.0.0.1)', address: '127.0.0.1' }, { port: 10256, who: 'kube-proxy healthz' },
];

/** A host port of a component of this app. */
export interface AppListener extends HostPort {
  /** The component, or undefined for kubeadm's kube-proxy (the data plane, not emitted here). */
  readonly scope?: IConstruct;
}

/** The host-network listeners of the app's components, from their facts; kubeadm's kube-proxy when none is configured here. */
export function appListeners(state: AppState): AppListener[] {
  // the first of each kind: a second one is SINGLE-INSTANCE's error, not a port clash
  const proxy = state.components('kube-proxy')[0];
  const nld = state.components('node-local-dns')[0];
  const out: AppListener[] = proxy ? proxy.listeners.map((l) => ({ ...l, scope: proxy.scope })) : [];
  if (!proxy && state.plan().dataPlane.kind === 'kube-proxy') out.push(...KUBEADM_KUBE_PROXY_PORTS);
  if (nld) out.push(...nld.listeners.map((l) => ({ ...l, scope: nld.scope })));
  return out;
}

/**
 * Every known listener on the nodes of the planned cluster: the fixed ones and
 * `listeners`, the host-network ports of the app's own components (their facts).
 */
export function hostPorts(plan: NetworkPlan, listeners: readonly HostPort[]): HostPort[] {
  return [...fixedHostPorts(plan), ...listeners];
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
