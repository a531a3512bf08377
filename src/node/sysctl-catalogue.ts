import { checkCall } from '../core/_boundary';
import { ConfigErrors, GO_INT32_MAX } from '../core/_errors';
import { KubernetesVersion } from '../core/kubernetes-version';

/** Whether a sysctl is per network (or IPC) namespace or node-wide. */
export enum SysctlScope {
  /**
   * Node-wide, or only writable in the host's initial namespace: set it on the
   * host (SysctlTuner); Kubernetes refuses it in a pod's `securityContext.sysctls`.
   */
  NODE = 'node',
  /**
   * Per network (or IPC) namespace: a value set on the host reaches only
   * host-network pods; other pods need `securityContext.sysctls`.
   */
  NAMESPACED = 'namespaced',
}

/** What the library knows about one sysctl. */
export interface SysctlInfo {
  /** The key, e.g. `net.core.somaxconn`. */
  readonly key: string;
  /** Node-wide or per namespace. */
  readonly scope: SysctlScope;
  /** The first Kubernetes version whose kubelet and Pod Security `baseline` accept it in a pod's `securityContext.sysctls`; unset when never. */
  readonly podSafeSince?: string;
  /** What values it takes and what it does. */
  readonly description: string;
  /**
   * Whether the value is a floor: the tuner never lowers a higher value the node already has.
   *
   * @default false
   */
  readonly atLeast?: boolean;
  /**
   * Whether the key is for the host's own network namespace (routing, conntrack of the
   * node's traffic), even when it is per namespace: setting it on the host is the point.
   *
   * @default false
   */
  readonly forHost?: boolean;
}

type Check = (errors: ConfigErrors, prop: string, value: string) => void;

interface Spec {
  readonly scope: SysctlScope;
  readonly podSafeSince?: number;
  readonly check: Check;
  readonly description: string;
  /** The key the kernel really stores it under (legacy aliases). */
  readonly aliasOf?: string;
  /** A floor: never lower a higher node value. */
  readonly atLeast?: boolean;
  /** Meant for the host's namespace. */
  readonly forHost?: boolean;
  /** The kernel module that provides the key, when it is not built in everywhere. */
  readonly module?: string;
}


function int(min: number, max: number = GO_INT32_MAX): Check {
  return (errors, prop, value) => {
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      errors.add(prop, value, `must be an integer in ${min}..${max}`);
    }
  };
}

const bool: Check = (errors, prop, value) => {
  if (value !== '0' && value !== '1') errors.add(prop, value, 'must be 0 or 1');
};

function pair(min: number, max: number, strict: boolean): Check {
  return (errors, prop, value) => {
    const m = /^(\d+)[ \t]+(\d+)$/.exec(value);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m ? Number(m[2]) : NaN;
    if (!m || lo < min || hi > max || (strict ? lo >= hi : lo > hi)) {
      errors.add(prop, value, `must be "low high" with ${min} <= low ${strict ? '<' : '<='} high <= ${max}`);
    }
  };
}

const triple: Check = (errors, prop, value) => {
  const m = /^(\d+)[ \t]+(\d+)[ \t]+(\d+)$/.exec(value);
  if (!m || !(Number(m[1]) <= Number(m[2]) && Number(m[2]) <= Number(m[3])) || Number(m[1]) < 1) {
    errors.add(prop, value, 'must be "min default max" with 1 <= min <= default <= max');
  }
};

const portList: Check = (errors, prop, value) => {
  const ok = value.split(',').every((part) => {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(part.trim());
    if (!m) return false;
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    return lo >= 1 && hi <= 65535 && lo <= hi;
  });
  if (!ok) errors.add(prop, value, 'must be a comma-separated list of ports or port ranges, e.g. 30000-32767,8080');
};

const N = SysctlScope.NODE;
const NS = SysctlScope.NAMESPACED;

// Scopes and safe versions: kubernetes/website sysctl-cluster.md, kubernetes/pod-security-admission
// policy/check_sysctls.go (sysctlsAllowedV1Dot0/27/29/32/37).
const CATALOGUE: Record<string, Spec> = {
  'net.netfilter.nf_conntrack_max': { atLeast: true, module: 'nf_conntrack', scope: N, check: int(1), description: 'size of the conntrack table (kube-proxy rewrites it at start unless conntrack.maxPerCore is 0)' },
  'net.nf_conntrack_max': { atLeast: true, module: 'nf_conntrack', scope: N, check: int(1), aliasOf: 'net.netfilter.nf_conntrack_max', description: 'legacy alias of net.netfilter.nf_conntrack_max' },
  'net.netfilter.nf_conntrack_buckets': { atLeast: true, module: 'nf_conntrack', scope: N, check: int(1), description: 'conntrack hash table size (kube-proxy raises it to nf_conntrack_max/4)' },
  'net.netfilter.nf_conntrack_tcp_timeout_established': { forHost: true, module: 'nf_conntrack', scope: NS, check: int(1), description: 'seconds an idle established TCP entry lives (kube-proxy writes conntrack.tcpEstablishedTimeout)' },
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait': { forHost: true, module: 'nf_conntrack', scope: NS, check: int(1), description: 'seconds a CLOSE_WAIT entry lives (kube-proxy writes conntrack.tcpCloseWaitTimeout)' },
  'net.netfilter.nf_conntrack_tcp_timeout_fin_wait': { forHost: true, module: 'nf_conntrack', scope: NS, check: int(1), description: 'seconds a FIN_WAIT entry lives' },
  'net.netfilter.nf_conntrack_tcp_timeout_time_wait': { forHost: true, module: 'nf_conntrack', scope: NS, check: int(1), description: 'seconds a TIME_WAIT entry lives' },
  'net.netfilter.nf_conntrack_udp_timeout': { forHost: true, module: 'nf_conntrack', scope: NS, check: int(1), description: 'seconds a one-way UDP entry lives' },
  'net.netfilter.nf_conntrack_udp_timeout_stream': { forHost: true, module: 'nf_conntrack', scope: NS, check: int(1), description: 'seconds a two-way UDP entry lives' },
  'net.core.somaxconn': { atLeast: true, scope: NS, check: int(1), description: 'accept queue length cap' },
  'net.core.netdev_max_backlog': { atLeast: true, scope: N, check: int(1), description: 'packets queued per CPU before the kernel drops them' },
  'net.core.rmem_max': { atLeast: true, scope: N, check: int(1), description: 'maximum socket receive buffer (bytes)' },
  'net.core.wmem_max': { atLeast: true, scope: N, check: int(1), description: 'maximum socket send buffer (bytes)' },
  'net.core.rmem_default': { scope: N, check: int(1), description: 'default socket receive buffer (bytes)' },
  'net.core.wmem_default': { scope: N, check: int(1), description: 'default socket send buffer (bytes)' },
  'net.ipv4.tcp_max_syn_backlog': { atLeast: true, scope: NS, check: int(1), description: 'half-open connections remembered per listener' },
  'net.ipv4.tcp_slow_start_after_idle': { scope: NS, podSafeSince: 37, check: bool, description: '0 keeps the congestion window on idle connections' },
  'net.ipv4.tcp_tw_reuse': { scope: NS, check: int(0, 2), description: 'reuse TIME_WAIT sockets for outgoing connections (2: loopback only)' },
  'net.ipv4.tcp_tw_recycle': { scope: NS, check: (errors, prop, value) => { errors.add(prop, value, 'does not exist: it was removed in Linux 4.12 (it broke clients behind NAT); use net.ipv4.tcp_tw_reuse'); }, description: 'removed in Linux 4.12; refused' },
  'net.ipv4.tcp_fin_timeout': { scope: NS, podSafeSince: 29, check: int(1), description: 'seconds an orphaned FIN_WAIT_2 socket lives' },
  'net.ipv4.tcp_keepalive_time': { scope: NS, podSafeSince: 29, check: int(1, 32767), description: 'seconds idle before keepalive probes start' },
  'net.ipv4.tcp_keepalive_intvl': { scope: NS, podSafeSince: 29, check: int(1, 32767), description: 'seconds between keepalive probes' },
  'net.ipv4.tcp_keepalive_probes': { scope: NS, podSafeSince: 29, check: int(1, 127), description: 'unanswered probes before the connection is dropped' },
  'net.ipv4.tcp_syncookies': { scope: NS, podSafeSince: 28, check: int(0, 2), description: 'SYN cookies under SYN floods' },
  'net.ipv4.tcp_rmem': { scope: NS, podSafeSince: 32, check: triple, description: 'TCP receive buffer "min default max" (bytes)' },
  'net.ipv4.tcp_wmem': { scope: NS, podSafeSince: 32, check: triple, description: 'TCP send buffer "min default max" (bytes)' },
  'net.ipv4.tcp_notsent_lowat': { scope: NS, podSafeSince: 37, check: int(1), description: 'unsent bytes that make a socket writable' },
  'net.ipv4.tcp_mtu_probing': { scope: NS, check: int(0, 2), description: 'path MTU probing (1: after an ICMP black hole, 2: always)' },
  'net.ipv4.ip_forward': { forHost: true, scope: NS, check: bool, description: 'route packets between interfaces (required on nodes)' },
  'net.ipv6.conf.all.forwarding': { forHost: true, scope: NS, check: bool, description: 'route IPv6 packets between interfaces (dual-stack nodes)' },
  'net.ipv4.conf.all.rp_filter': { forHost: true, scope: NS, check: int(0, 2), description: 'reverse path filtering (0 off, 1 strict, 2 loose)' },
  'net.ipv4.ip_local_port_range': { scope: NS, podSafeSince: 28, check: pair(1, 65535, true), description: 'ephemeral ports for outgoing connections, "low high"' },
  'net.ipv4.ip_local_reserved_ports': { forHost: true, scope: NS, podSafeSince: 28, check: portList, description: 'ports never picked as ephemeral ports (reserve the NodePort range)' },
  'net.ipv4.ip_unprivileged_port_start': { scope: NS, podSafeSince: 28, check: int(0, 65535), description: 'first port unprivileged processes may bind' },
  'net.ipv4.ping_group_range': { scope: NS, podSafeSince: 28, check: pair(0, GO_INT32_MAX, false), description: 'groups allowed ICMP echo sockets, "low high"' },
  // The gc_thresh values live in the one global ARP table (neigh_table): a write from any namespace changes the node's.
  'net.ipv4.neigh.default.gc_thresh1': { atLeast: true, scope: N, check: int(0), description: 'ARP entries kept without garbage collection' },
  'net.ipv4.neigh.default.gc_thresh2': { atLeast: true, scope: N, check: int(0), description: 'soft limit of ARP entries' },
  'net.ipv4.neigh.default.gc_thresh3': { atLeast: true, scope: N, check: int(0), description: 'hard limit of ARP entries (raise on large flat networks)' },
  'net.ipv6.neigh.default.gc_thresh1': { atLeast: true, scope: N, check: int(0), description: 'IPv6 neighbour entries kept without garbage collection' },
  'net.ipv6.neigh.default.gc_thresh2': { atLeast: true, scope: N, check: int(0), description: 'soft limit of IPv6 neighbour entries' },
  'net.ipv6.neigh.default.gc_thresh3': { atLeast: true, scope: N, check: int(0), description: 'hard limit of IPv6 neighbour entries (raise on large flat networks)' },
  'net.bridge.bridge-nf-call-iptables': { module: 'br_netfilter', scope: N, check: bool, description: 'bridged IPv4 traffic traverses iptables (needs the br_netfilter module)' },
  'net.bridge.bridge-nf-call-ip6tables': { module: 'br_netfilter', scope: N, check: bool, description: 'bridged IPv6 traffic traverses ip6tables (needs br_netfilter)' },
  'net.bridge.bridge-nf-call-arptables': { module: 'br_netfilter', scope: N, check: bool, description: 'bridged ARP traffic traverses arptables (needs br_netfilter)' },
  'fs.file-max': { atLeast: true, scope: N, check: int(1), description: 'system-wide open file limit' },
  'fs.nr_open': { atLeast: true, scope: N, check: int(1), description: 'per-process open file ceiling' },
  'fs.inotify.max_user_watches': { atLeast: true, scope: N, check: int(1), description: 'inotify watches per user' },
  'fs.inotify.max_user_instances': { atLeast: true, scope: N, check: int(1), description: 'inotify instances per user' },
  'fs.inotify.max_queued_events': { atLeast: true, scope: N, check: int(1), description: 'queued inotify events per instance' },
  'vm.max_map_count': { atLeast: true, scope: N, check: int(1), description: 'memory map areas per process' },
  'vm.swappiness': { scope: N, check: int(0, 200), description: 'swap tendency' },
  'kernel.pid_max': { atLeast: true, scope: N, check: int(301, 4194304), description: 'highest PID' },
  'kernel.shm_rmid_forced': { scope: NS, podSafeSince: 28, check: bool, description: 'destroy orphaned SysV shared memory' },
  'kernel.unprivileged_bpf_disabled': { scope: N, check: int(0, 2), description: 'forbid bpf() to unprivileged users (Calico eBPF sets 1; 0 is a security downgrade)' },
};

/** Key syntax: dot-separated segments, no whitespace, '=', quotes, slashes or comment marks. */
const KEY_SYNTAX = /^[a-z][a-z0-9_]*(\.[A-Za-z0-9_-]+)+$/;
/** Value syntax: what sysctl files and /proc/sys accept for the keys we know: digits, letters, spaces, commas, dashes, colons, dots. */
const VALUE_SYNTAX = /^[A-Za-z0-9,:._-]+( [A-Za-z0-9,:._-]+)*$/;

/**
 * The sysctls the library knows: whether each is node-wide or per namespace,
 * which values it takes, and from which Kubernetes version pods may set it.
 */
export class SysctlCatalogue {
  /** Every known key, sorted. */
  public static keys(): string[] {
    return Object.keys(CATALOGUE).sort();
  }

  /** What the library knows about `key`, or undefined when it is not catalogued. */
  public static lookup(key: string): SysctlInfo | undefined {
    [key] = checkCall('SysctlCatalogue.lookup', [key]) as [string];
    const spec = Object.prototype.hasOwnProperty.call(CATALOGUE, key) ? CATALOGUE[key] : undefined;
    if (!spec) return undefined;
    return {
      key,
      scope: spec.scope,
      description: spec.description,
      ...(spec.podSafeSince !== undefined ? { podSafeSince: `1.${spec.podSafeSince}` } : {}),
      ...(spec.atLeast ? { atLeast: true } : {}),
      ...(spec.forHost ? { forHost: true } : {}),
    };
  }

  /** @internal The kernel module a key needs, when it is a loadable one. */
  public static _module(key: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(CATALOGUE, key) ? CATALOGUE[key].module : undefined;
  }

  /**
   * Whether pods may set `key` through `securityContext.sysctls` on `version`
   * without a kubelet `allowedUnsafeSysctls` entry (the kubelet's safe set, which
   * Pod Security `baseline` also allows).
   */
  public static isPodSafe(key: string, version: KubernetesVersion): boolean {
    [key, version] = checkCall('SysctlCatalogue.isPodSafe', [key, version]) as [string, KubernetesVersion];
    const since = Object.prototype.hasOwnProperty.call(CATALOGUE, key) ? CATALOGUE[key].podSafeSince : undefined;
    return since !== undefined && version.minor >= since;
  }

  /** @internal Validates a key and value, reporting problems as `prop`. Returns the canonical key. */
  public static _check(errors: ConfigErrors, prop: string, key: string, value: string, allowUnknown: boolean): string {
    if (typeof key !== 'string' || !KEY_SYNTAX.test(key)) {
      errors.add(prop, key, 'is not a sysctl key: dot-separated names of letters, digits, \'_\' and \'-\', without spaces, \'=\', \'/\', quotes or comment marks');
      return key;
    }
    if (typeof value !== 'string' || !VALUE_SYNTAX.test(value)) {
      errors.add(`${prop}[${key}]`, value, 'must be letters, digits, \',\', \':\', \'.\', \'-\' or \'_\' separated by single spaces (no newlines, quotes, \'=\' or \'#\')');
      return key;
    }
    const spec = Object.prototype.hasOwnProperty.call(CATALOGUE, key) ? CATALOGUE[key] : undefined;
    if (!spec) {
      if (!allowUnknown) {
        errors.add(prop, key, 'is not in the sysctl catalogue (SysctlCatalogue.keys()); set \'allowUnknownSysctls\' to emit it anyway');
      }
      return key;
    }
    spec.check(errors, `${prop}[${key}]`, value);
    return spec.aliasOf ?? key;
  }

  /** Static members only. */
  private constructor() {}
}
