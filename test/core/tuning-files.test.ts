import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import * as YAML from 'yaml';
import { ClusterProfile, FlannelBackend, FlannelTuning, NetworkTuning, PodSysctlTuning, ScaleTier, TuningFiles } from '../../src';

/** Every file under `dir`, relative, with `/` separators, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, prefix: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${prefix}${e.name}/`);
      else out.push(`${prefix}${e.name}`);
    }
  };
  walk(dir, '');
  return out.sort();
}

describe('TuningFiles', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tuning-files-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const large = (outdir: string) => {
    const app = new App({ outdir });
    new NetworkTuning(new Chart(app, 'network'), 'tuning', { tier: ScaleTier.LARGE, profile: new ClusterProfile({ apiServerHost: '10.0.0.1' }) });
    return app;
  };

  test('app.synth() writes the report, the kubelet files, the Helm values and the rule file beside the manifests', () => {
    const app = large(root);
    app.synth();
    expect(tree(root)).toEqual([
      'helm/cilium-values.yaml', 'kubeadm-patches/kubeletconfiguration+strategic.yaml', 'kubelet/90-cdk8s-network-tuning.conf',
      'network.k8s.yaml', 'prometheus/rules.yaml', 'tuning-report.md',
    ]);
    // what the files hold: the plan's decisions
    expect(YAML.parse(fs.readFileSync(path.join(root, 'kubelet', '90-cdk8s-network-tuning.conf'), 'utf8')).clusterDNS).toEqual(['169.254.20.10']);
    expect(YAML.parse(fs.readFileSync(path.join(root, 'helm', 'cilium-values.yaml'), 'utf8')).kubeProxyReplacement).toBe(true);
    const report = fs.readFileSync(path.join(root, 'tuning-report.md'), 'utf8');
    expect(report.startsWith('# Network tuning report\n')).toBe(true);
    expect(report).toContain('## DNS path');
    // the listing is what was written
    for (const f of TuningFiles.of(app)) {
      if (f.path !== 'tuning-report.md') expect(fs.readFileSync(path.join(root, ...f.path.split('/')), 'utf8')).toBe(f.content);
      expect(f.usage.length).toBeGreaterThan(10);
    }
  });

  test('disable() keeps only the manifests; synthYaml() and an app without components write no files', () => {
    const off = path.join(root, 'off');
    const app = large(off);
    TuningFiles.disable(app);
    app.synth();
    expect(tree(off)).toEqual(['network.k8s.yaml']);
    expect(TuningFiles.of(app).map((f) => f.path)).toContain('tuning-report.md');

    const yamlOnly = path.join(root, 'yaml');
    large(yamlOnly).synthYaml();
    expect(fs.existsSync(yamlOnly)).toBe(false);

    const plain = path.join(root, 'plain');
    const other = new App({ outdir: plain });
    new ApiObject(new Chart(other, 'c'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    other.synth();
    expect(tree(plain)).toEqual(['c.k8s.yaml']);
    expect(TuningFiles.of(other)).toEqual([]);
  });

  test('unsafe pod sysctls come with the kubelet drop-in that allows them', () => {
    const app = new App({ outdir: root });
    // net.core.somaxconn is not in the kubelet's safe set on 1.28
    new PodSysctlTuning(new Chart(app, 'apps'), 'Sysctls', { sysctls: { 'net.core.somaxconn': '4096' }, includeUnsafe: true });
    const files = TuningFiles.of(app);
    expect(files.map((f) => f.path)).toEqual(['kubelet/91-cdk8s-network-tuning-sysctls-apps-Sysctls.conf', 'tuning-report.md']);
    expect(YAML.parse(files[0].content)).toEqual({ apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', allowedUnsafeSysctls: ['net.core.somaxconn'] });
  });

  test('two components writing one file with different content fail, naming both', () => {
    const app = new App({ outdir: root });
    new FlannelTuning(new Chart(app, 'a'), 'Flannel', { backend: FlannelBackend.VXLAN });
    new FlannelTuning(new Chart(app, 'b'), 'Flannel', { backend: FlannelBackend.HOST_GW });
    expect(() => TuningFiles.of(app)).toThrow('[b/Flannel] writes flannel/net-conf.json, which [a/Flannel] also writes with other content: one output file cannot hold both [OUTPUT-FILE-CONFLICT]');
  });

  test('bad input names the argument', () => {
    expect(() => TuningFiles.of({} as any)).toThrow(/\[TuningFiles\.of\] 'scope' .*must be a construct/);
    expect(() => TuningFiles.disable(undefined as any)).toThrow(/\[TuningFiles\.disable\] 'scope' is required/);
  });
});
