import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { parseGoDuration } from '../../src/cli/_config';
import { main } from '../../src/cli/_main';

const root = path.join(__dirname, '..', '..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));

/** The CLI as a process: exit code, stdout, stderr. */
function cli(args: string[], cwd = root) {
  const child = spawnSync(process.execPath, [path.join(__dirname, 'run-cli.js'), ...args], {
    cwd, encoding: 'utf8', env: { ...process.env, CDK8S_NETWORK_TUNING_WARNINGS: 'silent' },
  });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr };
}

/** The CLI in this process (fast): exit code and what it printed. */
function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = main(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
  return { status, stdout, stderr };
}

describe('the CLI', () => {
  test('recommend prints the tier and the CNI with the reasons, exit 0', () => {
    const r = run(['recommend', '--nodes', '300', '--services', '800']);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    expect(r.stdout).toMatch(/^tier: medium\n  300 nodes: more than 50, at most 500, and fewer than 1,000 Services\ncni: calico\n/);
  });

  test('a bad flag is named in the library\'s error style on stderr, exit 2', () => {
    const r = run(['synth', '--tier', 'huge']);
    expect(r).toEqual({ status: 2, stdout: '', stderr: "[cdk8s-network-tuning synth] '--tier' (huge) must be one of: small, medium, large\n" });
  });

  // one run as a process (a child loads the sources, seconds of CPU): exit code, streams and files as a shell sees them
  test('as a process, synth writes what a cdk8s app writes: manifests, the report and the node files', () => {
    const out = tmp();
    const r = cli(['synth', '--tier', 'large', '--kubernetes-version', '1.33', '--cni', 'cilium', '--api-server-host', '10.0.0.1', '-o', out]);
    expect(r).toMatchObject({ status: 0, stderr: '' });
    const files = ['helm/cilium-values.yaml', 'kubeadm-patches/kubeletconfiguration+strategic.yaml', 'kubelet/90-cdk8s-network-tuning.conf',
      'network.k8s.yaml', 'prometheus/rules.yaml', 'tuning-report.md'];
    expect(r.stdout).toBe(`wrote ${files.length} files to ${out}:\n${files.map((f) => `  ${f}`).join('\n')}\n`);
    const values = YAML.parse(fs.readFileSync(path.join(out, 'helm/cilium-values.yaml'), 'utf8'));
    expect(values).toMatchObject({ kubeProxyReplacement: true, k8sServiceHost: '10.0.0.1' });
    expect(fs.readFileSync(path.join(out, 'tuning-report.md'), 'utf8')).toContain('large');
  });

  test('as a process, audit exits 1 on the drifted example cluster\'s errors and writes SARIF to stdout', () => {
    const r = cli(['audit', 'examples/audit/drifted-cluster', '--format', 'sarif']);
    expect(r).toMatchObject({ status: 1, stderr: '' });
    const sarif = JSON.parse(r.stdout);
    expect(sarif.runs[0].results.map((x: any) => x.ruleId)).toEqual(expect.arrayContaining(['NLD-MODE-MISMATCH', 'NP006']));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toMatchObject({ uri: expect.stringMatching(/^examples\/audit\/drifted-cluster\//), uriBaseId: '%SRCROOT%' });
  });
});

describe('synth', () => {
  const write = (text: string) => {
    const file = path.join(tmp(), 'cluster.yaml');
    fs.writeFileSync(file, text);
    return file;
  };

  test('a rule that fails names the config keys and the component by its key, not construct paths', () => {
    const config = write('tier: medium\nprofile: { kubernetesVersion: "1.33", apiServerHost: 10.0.0.1 }\nkubeProxy: { mode: ipvs }\nnodeLocalDns: { kubeProxyMode: iptables }\n');
    const r = run(['synth', '--config', config, '-o', path.join(tmp(), 'out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`'nodeLocalDns.kubeProxyMode' (iptables) disagrees with the app's data plane, kube-proxy ipvs ('kubeProxy.mode' set on [config ${config} 'kubeProxy'])`);
  });

  test('a config file holds any NetworkTuning property: durations, versions and resources as they are written in YAML', () => {
    const config = write([
      'tier: medium',
      'profile: { kubernetesVersion: "1.34", podCidr: 10.32.0.0/12, apiServerHost: 10.0.0.1 }',
      'coreDns: { cacheTtlSeconds: 120, lameduck: 10s }',
      'nodeLocalDns: { resources: { cpu: { request: 50m }, memory: { limit: 300Mi } } }',
      'kubeProxy: { iptables: { syncPeriod: 1m30s } }',
    ].join('\n'));
    const out = tmp();
    expect(run(['synth', '--config', config, '-o', out]).status).toBe(0);
    const objs = YAML.parseAllDocuments(fs.readFileSync(path.join(out, 'network.k8s.yaml'), 'utf8')).map((d) => d.toJSON());
    const cm = (name: string) => objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
    expect(cm('kube-proxy').data['config.conf']).toContain('syncPeriod: 1m30s');
    expect(cm('coredns').data.Corefile).toMatch(/lameduck 10s[\s\S]*cache 120/);
    const nodeCache = objs.find((o) => o.kind === 'DaemonSet' && o.metadata.name === 'node-local-dns').spec.template.spec.containers[0];
    expect(nodeCache.resources).toMatchObject({ requests: { cpu: '50m' }, limits: { memory: '300Mi' } });
    // flags win over the config's profile
    const out2 = tmp();
    expect(run(['synth', '--config', config, '--kubernetes-version', '1.36', '-o', out2]).status).toBe(0);
    expect(fs.readFileSync(path.join(out2, 'tuning-report.md'), 'utf8')).toContain('Kubernetes 1.36');
    expect(fs.readFileSync(path.join(out, 'tuning-report.md'), 'utf8')).not.toContain('Kubernetes 1.36');
  });

  test.each([
    ['a bad duration', 'coreDns: { lameduck: soon }', "'coreDns.lameduck' (soon) must be a Go duration in whole milliseconds, e.g. 30s, 1m30s or 500ms"],
    ['an unquoted version', 'profile: { kubernetesVersion: 1.30 }', "'profile.kubernetesVersion' (1.3) must be a quoted string"],
    ['a misspelt key', 'coreDns: { cacheTTL: 5 }', "'coreDns.cacheTTL' is not a property of TunedCoreDnsOptions (did you mean 'cacheTtlSeconds'?)"],
    ['constructs', 'services: [web]', "'services[0]' takes constructs of an app (Services, charts), which a config file cannot hold"],
    ['a value a component refuses', 'coreDns: { cacheTtlSeconds: 0 }', "'coreDns.cacheTtlSeconds' (0) must be an integer in 1..2147483647"],
    ['a value the profile refuses', 'profile: { podCidr: 10.32.0.1/12 }', "'profile.podCidr' (10.32.0.1/12) has host bits set"],
    ['a resource quantity', "nodeLocalDns: { resources: { memory: { limit: '300MB' } } }", "'nodeLocalDns.resources.memory.limit' (300MB) must be a binary quantity such as '512Mi' or '1Gi'"],
  ])('a config problem names the file and the key, exit 2: %s', (_name, text, message) => {
    const config = write(text);
    const r = run(['synth', '--config', config, '-o', tmp()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`[config ${config}] ${message}`);
  });

  test.each([
    [['synth', '--kubernetes-version', '1.27'], "[cdk8s-network-tuning synth] '--kubernetes-version' (1.27) must be a Kubernetes version from 1.28 to 1.37"],
    [['synth', '--api-server-host', 'https://api'], "[cdk8s-network-tuning synth] '--api-server-host' (https://api) must be"],
    [['synth', '--cni', 'weave'], "[cdk8s-network-tuning synth] '--cni' (weave) must be one of: flannel, calico, cilium"],
    [['synth', '--tier'], "[cdk8s-network-tuning synth] '--tier' needs a value"],
    [['synth', '--config', '/nonexistent.yaml'], "'--config' (/nonexistent.yaml) does not exist"],
    [['synth', '--nodes', '3'], "'--nodes' is not a flag of synth (see --help)"],
    [['recommend', '--nodes', '1e3', '--services', '5'], "[cdk8s-network-tuning recommend] '--nodes' (1e3) must be a whole number >= 1"],
    [['recommend', '--services', '5'], "'--nodes' is required"],
    [['lint'], "[cdk8s-network-tuning] 'lint' is not a command: synth, recommend or audit (see --help)"],
    [['synth', '--config', ''], "[cdk8s-network-tuning synth] '--config' needs a value"],
    [['synth', '--output='], "[cdk8s-network-tuning synth] '--output' needs a value"],
    [['recommend', '--nodes', '3', '--services', '1', '--network-policy=true'], "'--network-policy' (true) takes no value: give the flag alone to turn it on"],
  ])('bad usage is named in the library\'s style, exit 2: %j', (args, message) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(message);
  });

  test('a synthesis that fails its rules exits 1 with the findings', () => {
    // default deny without the DNS allowance: the DNS path trace fails at the policy hop (DEFAULT-DENY-DNS)
    const config = write('defaultDeny: { namespaces: [team-a], allowDns: false }');
    const out = tmp();
    const r = run(['synth', '--config', config, '-o', out]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('pods in team-a cannot resolve names');
    expect(r.stderr).toContain('[DEFAULT-DENY-DNS]');
    expect(fs.readdirSync(out)).toEqual([]);
    // a folder the run would have created is not left behind empty
    const fresh = path.join(tmp(), 'new');
    expect(run(['synth', '--config', config, '-o', fresh]).status).toBe(1);
    expect(fs.existsSync(fresh)).toBe(false);
  });
});

test('synth lists what it wrote, and names files an earlier run left in the folder', () => {
  const out = tmp();
  expect(run(['synth', '--cni', 'cilium', '--tier', 'large', '--api-server-host', '10.0.0.1', '-o', out]).status).toBe(0);
  const second = run(['synth', '--cni', 'flannel', '-o', out]);
  expect(second.status).toBe(0);
  expect(second.stdout).not.toContain('helm/cilium-values.yaml');
  expect(second.stdout).toContain('flannel/net-conf.json');
  expect(second.stderr).toMatch(/^\d+ other files in .* were not written by this run \(left from an earlier one\?\): .*helm\/cilium-values\.yaml/);
});

describe('recommend', () => {
  test.each([
    [['--nodes', '20', '--services', '100'], 'small', 'flannel'],
    [['--nodes', '20', '--services', '100', '--network-policy'], 'small', 'calico'],
    [['--nodes', '300', '--services', '1500'], 'large', 'cilium'],
    [['--nodes', '5000', '--services', '100'], 'large', 'cilium'],
  ])('%j: the tier and CNI the library would pick', (args, tier, cni) => {
    const r = run(['recommend', ...args, '--format', 'json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ tier, cni });
  });

  test('--help prints the usage, exit 0; no command prints it, exit 2', () => {
    expect(run(['--help'])).toMatchObject({ status: 0, stdout: expect.stringContaining('Usage: cdk8s-network-tuning <command>') });
    expect(run([]).status).toBe(2);
  });
});

test('Go durations as Go reads them, in whole milliseconds', () => {
  expect(['30s', '1m30s', '500ms', '1.5s', '2h', '1500us', '0'].map((d) => parseGoDuration(d)?.toMilliseconds())).toEqual([30000, 90000, 500, 1500, 7200000, undefined, 0]);
  expect(['', '30', 's', '1d', '-1s'].map((d) => parseGoDuration(d))).toEqual([undefined, undefined, undefined, undefined, undefined]);
});

test('the package\'s bin runs this main() from the built library', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  expect(pkg.bin).toEqual({ 'cdk8s-network-tuning': 'bin/cdk8s-network-tuning' });
  const bin = fs.readFileSync(path.join(root, 'bin', 'cdk8s-network-tuning'), 'utf8');
  expect(bin.split('\n')[0]).toBe('#!/usr/bin/env node');
  // the bundle of this main() that scripts/bundle.js builds at compile (lib/cli/_main.js and what it imports)
  expect(bin).toContain("require('../lib/cli/_main.bundle.js')");
  expect(fs.readFileSync(path.join(root, 'scripts', 'bundle.js'), 'utf8')).toContain("entryPoints: [path.join(lib, 'cli', '_main.js')], outfile: path.join(lib, 'cli', '_main.bundle.js')");
  // executable by its owner (the npm tarball keeps the mode)
  expect(fs.statSync(path.join(root, 'bin', 'cdk8s-network-tuning')).mode.toString(8)).toMatch(/[1357]..$/);
});
