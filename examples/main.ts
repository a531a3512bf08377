import { TuningReport } from 'cdk8s-network-tuning';
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { CLUSTERS } from './clusters';

// One App per example cluster: cross-component checks apply per app.
const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
for (const [name, build] of Object.entries(CLUSTERS)) {
  const app = new App({ outdir: path.join(outdir, name) });
  const cluster = build(app);
  app.synth();
  for (const [file, content] of Object.entries(cluster.files())) {
    fs.mkdirSync(path.dirname(path.join(app.outdir, file)), { recursive: true });
    fs.writeFileSync(path.join(app.outdir, file), content);
  }
  fs.writeFileSync(path.join(app.outdir, 'tuning-report.md'), TuningReport.of(app).toMarkdown(`Network tuning report: ${name} cluster`));
}
