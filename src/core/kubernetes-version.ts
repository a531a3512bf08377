import { checkCall, registerValueClass } from './_boundary';
import { ConfigErrors } from './_errors';

const OLDEST_MINOR = 28;
const NEWEST_MINOR = 37;

/**
 * A Kubernetes minor version the library knows (1.28 to 1.37).
 *
 * The version decides which fields and modes may be emitted (for example
 * kube-proxy `nftables` mode or Service `trafficDistribution`) and which
 * warnings fire. A profile targets `KubernetesVersion.DEFAULT` (1.36) unless told.
 */
export class KubernetesVersion {
  public static readonly V1_28 = new KubernetesVersion(28);
  public static readonly V1_29 = new KubernetesVersion(29);
  public static readonly V1_30 = new KubernetesVersion(30);
  public static readonly V1_31 = new KubernetesVersion(31);
  public static readonly V1_32 = new KubernetesVersion(32);
  public static readonly V1_33 = new KubernetesVersion(33);
  public static readonly V1_34 = new KubernetesVersion(34);
  public static readonly V1_35 = new KubernetesVersion(35);
  public static readonly V1_36 = new KubernetesVersion(36);
  public static readonly V1_37 = new KubernetesVersion(37);

  /** The oldest version the library supports. */
  public static readonly OLDEST = KubernetesVersion.V1_28;
  /** The newest version the library knows. */
  public static readonly NEWEST = KubernetesVersion.V1_37;
  /**
   * The version a ClusterProfile targets unless told: the newest release whose kube-proxy
   * configuration, kubeadm CoreDNS pin and manifests the library was checked against at a
   * release tag (1.36.3). 1.37 is known from its release notes and upstream HEAD.
   */
  public static readonly DEFAULT = KubernetesVersion.V1_36;

  /**
   * Parses "1.N" (a patch suffix such as "1.30.4" and a leading "v" are accepted
   * and ignored) and checks that the library knows the minor version.
   */
  public static of(version: string): KubernetesVersion {
    [version] = checkCall('KubernetesVersion.of', [version]) as [string];
    const m = typeof version === 'string' ? /^v?1\.(\d{1,3})(\.\d+)?$/.exec(version.trim()) : null;
    if (!m) {
      ConfigErrors.fail('KubernetesVersion', 'version', version, `must look like 1.N (for example 1.30), with N in ${OLDEST_MINOR}..${NEWEST_MINOR}`);
    }
    const minor = Number(m![1]);
    if (minor < OLDEST_MINOR || minor > NEWEST_MINOR) {
      ConfigErrors.fail('KubernetesVersion', 'version', version, `must be between 1.${OLDEST_MINOR} and 1.${NEWEST_MINOR}, the versions this library knows`);
    }
    return KubernetesVersion.all()[minor - OLDEST_MINOR];
  }

  /** Every known version, oldest first. */
  public static all(): KubernetesVersion[] {
    return [
      KubernetesVersion.V1_28, KubernetesVersion.V1_29, KubernetesVersion.V1_30, KubernetesVersion.V1_31,
      KubernetesVersion.V1_32, KubernetesVersion.V1_33, KubernetesVersion.V1_34, KubernetesVersion.V1_35,
      KubernetesVersion.V1_36, KubernetesVersion.V1_37,
    ];
  }

  /** The minor number, e.g. 30 for 1.30. */
  public readonly minor: number;

  /** The version as "1.N". */
  public readonly version: string;

  private constructor(minor: number) {
    this.minor = minor;
    this.version = `1.${minor}`;
  }

  /** Whether this version is the same as or newer than `other`. */
  public isAtLeast(other: KubernetesVersion): boolean {
    [other] = checkCall('KubernetesVersion#isAtLeast', [other]) as [KubernetesVersion];
    return this.minor >= other.minor;
  }

  /** Whether this version is older than `other`. */
  public isOlderThan(other: KubernetesVersion): boolean {
    [other] = checkCall('KubernetesVersion#isOlderThan', [other]) as [KubernetesVersion];
    return this.minor < other.minor;
  }

  public toString(): string {
    return this.version;
  }
}

registerValueClass('KubernetesVersion', KubernetesVersion);
