import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { checkCall } from './_boundary';
import { byCodePoint } from './_order';
import { AppState } from './_registry';
import { onAppSynth } from './_synth-scope';
import { TuningReport } from './report';

const REPORT = 'tuning-report.md';

/** A file the app's synthesis writes next to its manifests (see `TuningFiles`). */
export interface TuningFile {
  /** Path relative to the app's outdir, with `/` separators. */
  readonly path: string;
  /** The file's content. */
  readonly content: string;
  /** What it is for and where it goes, in one line. */
  readonly usage: string;
}

/**
 * Files that belong with an app's manifests but are not Kubernetes objects: the explanation
 * report (`tuning-report.md`), kubelet DNS settings for every node when NodeLocal DNSCache changes
 * them (`kubelet/`, `kubeadm-patches/`), Cilium's Helm values (`helm/cilium-values.yaml`) and the
 * kubelet's allowed unsafe sysctls. `app.synth()` (which `cdk8s synth` runs) writes them into the
 * app's outdir after the manifests; `TuningFiles.disable(app)` stops that.
 */
export class TuningFiles {
  /** The files of the app that contains `scope`, as they are now (list them after adding every construct). */
  public static of(scope: IConstruct): TuningFile[] {
    [scope] = checkCall('TuningFiles.of', [scope]) as [IConstruct];
    return filesOf(AppState.of(scope));
  }

  /** Stops `app.synth()` from writing the files of the app that contains `scope` (`of()` still lists them). */
  public static disable(scope: IConstruct): void {
    [scope] = checkCall('TuningFiles.disable', [scope]) as [IConstruct];
    AppState.of(scope).writesOutputFiles = false;
  }

  /** Static members only. */
  private constructor() {}
}

/** The components' files and, in an app with any component, the report. */
function filesOf(state: AppState): TuningFile[] {
  if (state.allComponents().length === 0) return [];
  const files: TuningFile[] = state.outputFiles();
  if (files.some((f) => f.path === REPORT)) return files;
  const report = { path: REPORT, content: TuningReport.of(state.app).toMarkdown(), usage: 'the explanation report: what decided every tuned value, the DNS path, what to do before and after applying' };
  return [...files, report].sort((a, b) => byCodePoint(a.path, b.path));
}

// After `app.synth()` has written the manifests (every value is decided then), the files go beside them.
onAppSynth((app: App) => {
  const state = AppState.existing(app);
  if (!state || !state.writesOutputFiles) return;
  for (const file of filesOf(state)) {
    const target = path.join(app.outdir, ...file.path.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, file.content);
  }
});
