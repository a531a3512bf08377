import { checkCall } from '../core/_boundary';
import { ConfigErrors } from '../core/_errors';
import { isDnsSubdomain } from '../core/_net';

/** Properties of `DnsLookupCost.estimate`. */
export interface DnsLookupProps {
  /** The name a program looks up, as written (`my-svc`, `api.example.com`, `example.com.`). */
  readonly name: string;

  /** The resolver's `ndots` option (Kubernetes default: 5). */
  readonly ndots: number;

  /**
   * The pod's namespace (the first search domain is `<namespace>.svc.<domain>`).
   *
   * @default 'default'
   */
  readonly podNamespace?: string;

  /**
   * The cluster domain.
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * Search domains the node adds after the cluster's three (from its resolv.conf).
   *
   * @default - none
   */
  readonly extraSearches?: string[];

  /**
   * Whether the name lives outside the cluster (an internet or corporate name that
   * answers when asked as-is). Cluster names answer only as `<svc>.<ns>.svc.<domain>`.
   *
   * @default - true when the name has two or more dots and is not under the cluster domain
   */
  readonly external?: boolean;

  /**
   * Whether each name is also asked for AAAA (glibc does both for an unspecified family).
   *
   * @default true
   */
  readonly queryAaaa?: boolean;
}

/** What one lookup costs. */
export interface DnsLookupEstimate {
  /** The fully qualified names tried, in order. */
  readonly names: string[];
  /** DNS queries sent: names tried × record types. */
  readonly queries: number;
  /** The name that answered, or an empty string when none did. */
  readonly answeredBy: string;
}

/**
 * How many DNS queries a lookup costs in a pod, following glibc's resolver:
 * a name with at least `ndots` dots is tried as-is first, others walk the search
 * list (`<ns>.svc.<domain>`, `svc.<domain>`, `<domain>`, node searches) first.
 * Service names `<svc>.<ns>.svc.<domain>` and external names (tried as-is)
 * answer; every other candidate is an NXDOMAIN that costs a round trip.
 *
 * This is why the guide lowers `ndots` from 5 to 2: `api.example.com` costs 8
 * queries at ndots 5 and 2 at ndots 2, while `my-svc.other-ns` still resolves
 * through the search list.
 */
export class DnsLookupCost {
  public static estimate(props: DnsLookupProps): DnsLookupEstimate {
    [props] = checkCall('DnsLookupCost.estimate', [props]) as [DnsLookupProps];
    const errors = new ConfigErrors('DnsLookupCost');
    const domain = props.clusterDomain ?? 'cluster.local';
    const namespace = props.podNamespace ?? 'default';
    errors.int('ndots', props.ndots, 0, 15);
    const bare = typeof props.name === 'string' && props.name.endsWith('.') ? props.name.slice(0, -1) : props.name;
    if (!isDnsSubdomain(bare)) errors.add('name', props.name, 'must be a lowercase DNS name (a trailing dot marks it absolute)');
    if (!isDnsSubdomain(domain)) errors.add('clusterDomain', domain, 'must be a lowercase DNS name');
    (props.extraSearches ?? []).forEach((s, i) => { if (!isDnsSubdomain(s)) errors.add(`extraSearches[${i}]`, s, 'must be a lowercase DNS name'); });
    errors.throwIfAny();

    const search = [`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...(props.extraSearches ?? [])];
    const absolute = `${bare}.`;
    const candidates: string[] = [];
    if (props.name.endsWith('.')) {
      candidates.push(absolute);
    } else {
      const dots = bare.split('.').length - 1;
      const viaSearch = search.map((s) => `${bare}.${s}.`);
      candidates.push(...(dots >= props.ndots ? [absolute, ...viaSearch] : [...viaSearch, absolute]));
    }

    const suffix = `.svc.${domain}.`;
    const isService = (fqdn: string) => fqdn.endsWith(suffix) && fqdn.slice(0, -suffix.length).split('.').length === 2;
    const external = props.external ?? (bare.split('.').length >= 3 && !`.${bare}.`.endsWith(`.${domain}.`));
    const isExternal = (fqdn: string) => external && fqdn === absolute;

    const names: string[] = [];
    let answeredBy = '';
    for (const fqdn of candidates) {
      names.push(fqdn);
      if (isService(fqdn) || isExternal(fqdn)) {
        answeredBy = fqdn;
        break;
      }
    }
    return { names, queries: names.length * ((props.queryAaaa ?? true) ? 2 : 1), answeredBy };
  }

  /** Static members only. */
  private constructor() {}
}
