import { KubernetesVersion } from './kubernetes-version';

/**
 * Every container image the library emits, pinned (never `latest`), in one place.
 * Each component takes an `image` override; these are the defaults.
 */

/** kube-proxy patch releases per minor (kubernetes.io/releases; final patch for EOL minors). */
const KUBE_PROXY_PATCH: Record<number, string> = {
  28: '1.28.15',
  29: '1.29.15',
  30: '1.30.14',
  31: '1.31.12',
  32: '1.32.8',
  33: '1.33.10',
  34: '1.34.9',
  35: '1.35.9',
  36: '1.36.4',
  37: '1.37.1',
};

/** CoreDNS as kubeadm pins it per Kubernetes minor (kubespray `coredns_supported_versions`, k8s addon). */
const COREDNS_TAG: Record<number, string> = {
  28: 'v1.10.1',
  29: 'v1.11.1',
  30: 'v1.11.1',
  31: 'v1.11.3',
  32: 'v1.11.3',
  33: 'v1.12.0',
  34: 'v1.12.1',
  35: 'v1.12.4',
  36: 'v1.14.2',
  37: 'v1.14.2',
};

export function kubeProxyImage(version: KubernetesVersion): string {
  return `registry.k8s.io/kube-proxy:v${KUBE_PROXY_PATCH[version.minor]}`;
}

export function coreDnsImage(version: KubernetesVersion): string {
  return `registry.k8s.io/coredns/coredns:${COREDNS_TAG[version.minor]}`;
}

/** CoreDNS minor as a number (1.11 -> 11) for version-dependent Corefile and metric choices. */
export function coreDnsMinor(version: KubernetesVersion): number {
  return Number(COREDNS_TAG[version.minor].split('.')[1]);
}

/** The CoreDNS minor of an image tag ("registry.k8s.io/coredns/coredns:v1.10.1" -> 10), if it has a 1.x tag. */
export function coreDnsMinorOfImage(image: string): number | undefined {
  const m = /:v?1\.(\d+)(?:\.\d+)?(?:@.*)?$/.exec(image);
  return m ? Number(m[1]) : undefined;
}

/** node-local-dns (kubernetes/dns node-cache): the upstream addon manifest pins 1.26.4; newest tag 1.26.7. */
export const NODE_CACHE_IMAGE = 'registry.k8s.io/dns/k8s-dns-node-cache:1.26.7';

/** cluster-proportional-autoscaler, as the Kubernetes dns-horizontal-autoscaler addon uses it. */
export const DNS_AUTOSCALER_IMAGE = 'registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.9.0';

/** A shell with `sysctl`, `tr` and `sed` for the sysctl tuner's init step. */
export const SYSCTL_INIT_IMAGE = 'docker.io/library/busybox:1.36.1';

/** The pause image: the smallest long-running container (runs as 65535). */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10';
