import { KubernetesVersion } from '../../src';

describe('KubernetesVersion', () => {
  test('knows 1.28 to 1.37, oldest first', () => {
    expect(KubernetesVersion.all().map((v) => v.version)).toEqual(
      ['1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36', '1.37']);
    expect(KubernetesVersion.OLDEST).toBe(KubernetesVersion.V1_28);
    expect(KubernetesVersion.NEWEST).toBe(KubernetesVersion.V1_37);
  });

  test.each([['1.30', 30], ['v1.33', 33], ['1.28.15', 28], [' 1.37 ', 37]])('parses %j', (text, minor) => {
    expect(KubernetesVersion.of(text as string).minor).toBe(minor);
    expect(KubernetesVersion.of(text as string)).toBe(KubernetesVersion.all()[(minor as number) - 28]);
  });

  test('refuses versions outside the known range, naming the range', () => {
    expect(() => KubernetesVersion.of('1.27')).toThrow("[KubernetesVersion] 'version' (1.27) must be between 1.28 and 1.37, the versions this library knows");
    expect(() => KubernetesVersion.of('1.38')).toThrow(/must be between 1.28 and 1.37/);
  });

  test('refuses text that is not a version', () => {
    expect(() => KubernetesVersion.of('2.0')).toThrow("[KubernetesVersion] 'version' (2.0) must look like 1.N (for example 1.30), with N in 28..37");
    expect(() => KubernetesVersion.of('latest')).toThrow(/must look like 1.N/);
  });

  test('compares', () => {
    expect(KubernetesVersion.V1_33.isAtLeast(KubernetesVersion.V1_33)).toBe(true);
    expect(KubernetesVersion.V1_32.isAtLeast(KubernetesVersion.V1_33)).toBe(false);
    expect(KubernetesVersion.V1_32.isOlderThan(KubernetesVersion.V1_33)).toBe(true);
    expect(`${KubernetesVersion.V1_30}`).toBe('1.30');
  });
});
