import { ALERTS_KUBE_PROXY_METRICS } from './alerts-kube-proxy-metrics';
import { ALERTS_KUBE_PROXY_MODE } from './alerts-kube-proxy-mode';
import { ALERTS_NO_KUBE_PROXY } from './alerts-no-kube-proxy';
import { ALERTS_WATCH_COMPONENTS } from './alerts-watch-components';
import { CALICO_NFTABLES } from './calico-nftables';
import { CONNTRACK_CAPACITY, SERVICE_CIDR_CAPACITY } from './capacity';
import { CILIUM_KUBE_PROXY_IPVS } from './cilium-kube-proxy-ipvs';
import { CNI_EXCLUSIVE } from './cni-exclusive';
import { CNI_POLICY_UNENFORCED } from './cni-policy-unenforced';
import { CONNTRACK_OWNERSHIP } from './conntrack-ownership';
import { DEFAULT_DENY_DNS } from './default-deny-dns';
import { DEFAULT_DENY_OVERLAP } from './default-deny-overlap';
import { EBPF_REPLACES_KUBE_PROXY } from './ebpf-replaces-kube-proxy';
import { HOST_PORT_CONFLICT } from './host-port-conflict';
import { NAMESPACED_SYSCTLS_ON_HOST } from './namespaced-sysctls-on-host';
import { NODE_LOCAL_DNS_MODE } from './node-local-dns-mode';
import { NODE_LOCAL_DNS_NFTABLES } from './node-local-dns-nftables';
import { PLAN_CHANGED } from './plan-changed';
import { PRIVILEGED_NAMESPACE } from './privileged-namespace';
import { PROFILE_CONSISTENCY } from './profile-consistency';
import { SINGLE_INSTANCE } from './single-instance';
import type { CrossComponentRule } from '../core/_registry';

/** Every cross-component rule, in the order findings are listed. */
export const CROSS_COMPONENT_RULES: readonly CrossComponentRule[] = [
  PROFILE_CONSISTENCY,
  SINGLE_INSTANCE,
  HOST_PORT_CONFLICT,
  CONNTRACK_OWNERSHIP,
  CONNTRACK_CAPACITY,
  SERVICE_CIDR_CAPACITY,
  DEFAULT_DENY_DNS,
  DEFAULT_DENY_OVERLAP,
  CNI_EXCLUSIVE,
  EBPF_REPLACES_KUBE_PROXY,
  CILIUM_KUBE_PROXY_IPVS,
  CNI_POLICY_UNENFORCED,
  CALICO_NFTABLES,
  PRIVILEGED_NAMESPACE,
  NAMESPACED_SYSCTLS_ON_HOST,
  NODE_LOCAL_DNS_MODE,
  NODE_LOCAL_DNS_NFTABLES,
  ALERTS_WATCH_COMPONENTS,
  ALERTS_NO_KUBE_PROXY,
  ALERTS_KUBE_PROXY_METRICS,
  ALERTS_KUBE_PROXY_MODE,
  PLAN_CHANGED,
];
