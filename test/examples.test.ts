import { App, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { assertValid, only } from './util';
import { CLUSTERS } from '../examples/clusters';

/** Synthesizes every chart of an example cluster (cross-component checks included). */
function synthCluster(build: (app: App) => void) {
  const app = Testing.app();
  build(app);
  return Object.fromEntries(app.charts.map((chart) => [chart.node.id, assertValid(chart.toJson())]));
}

describe('examples', () => {
  test.each(Object.keys(CLUSTERS))('%s cluster synthesizes schema-valid objects (snapshot)', (name) => {
    expect(synthCluster(CLUSTERS[name])).toMatchSnapshot();
  });

  test('the large example is the guide\'s large-cluster kube-proxy configuration', () => {
    const charts = synthCluster(CLUSTERS.large);
    const config = YAML.parse(only(charts['node-tuning'], 'ConfigMap', 'kube-proxy').data['config.conf']);
    expect(config.mode).toBe('ipvs');
    expect(config.ipvs).toMatchObject({ scheduler: 'rr', syncPeriod: '30s', minSyncPeriod: '1s', strictARP: true });
    expect(config.conntrack).toMatchObject({ maxPerCore: 65536, min: 524288 });
  });

  test('every example cluster has one of each node component', () => {
    for (const build of Object.values(CLUSTERS)) {
      const charts = synthCluster(build);
      expect(only(charts['node-tuning'], 'DaemonSet', 'network-sysctl-tuner')).toBeDefined();
      expect(only(charts['node-tuning'], 'ConfigMap', 'kube-proxy')).toBeDefined();
    }
  });
});
