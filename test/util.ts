/* Shared test helpers: synthesize a chart and validate every object against a schema. */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { parseCidr } from '../src/core/_net';

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any };

// ---- core Kubernetes objects: kubernetes-models (v4, CommonJS) compiled OpenAPI validators ----

function kubernetesModel(apiVersion: string, kind: string): { validate(): void } | undefined {
  const group = apiVersion.includes('/') ? apiVersion : 'v1';
  let mod: Record<string, any>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(`kubernetes-models/${group}`);
  } catch {
    return undefined;
  }
  return mod[kind];
}

// ---- custom resources: the CRDs kept under test/fixtures/crds (source noted in each file) ----

/** CRD patterns are Go (RE2) regular expressions: translate the inline (?i) flag, which JavaScript lacks. */
function goRegExp(pattern: string, flags: string): RegExp {
  const insensitive = pattern.includes('(?i)');
  return new RegExp(pattern.replace(/\(\?i\)/g, ''), insensitive ? `${flags}i` : flags);
}
goRegExp.code = 'goRegExp';

const ajv = new Ajv({ strict: false, allErrors: true, code: { regExp: goRegExp as any } });
// OpenAPI formats the CRDs use (ajv knows none of them by default).
ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
ajv.addFormat('cidr', (text: string) => parseCidr(text) !== undefined);
ajv.addFormat('date-time', (text: string) => !Number.isNaN(Date.parse(text)));
const crdValidators = new Map<string, ValidateFunction>();

/**
 * The API server prunes fields a structural schema does not declare, so a typo
 * (the guide's `bpfDisableUnprivilegedBPF`) is silently dropped. Tests treat
 * undeclared fields as errors instead.
 */
function strictify(schema: any): any {
  if (Array.isArray(schema)) return schema.map(strictify);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) out[k] = strictify(v);
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  if (out['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  return out;
}

function loadCrds(): void {
  if (crdValidators.size > 0) return;
  const dir = path.join(__dirname, 'fixtures', 'crds');
  if (!fs.existsSync(dir)) return;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8'))) {
      const crd = doc.toJS();
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
        crdValidators.set(key, ajv.compile(strictify(version.schema.openAPIV3Schema)));
      }
    }
  }
}

/** API groups validated by test/crd-models.js (ESM models, outside Jest). */
const ESM_MODEL_GROUPS = ['helm.toolkit.fluxcd.io/', 'source.toolkit.fluxcd.io/', 'monitoring.coreos.com/'];

function isEsmModelKind(obj: Manifest): boolean {
  return ESM_MODEL_GROUPS.some((g) => obj.apiVersion?.startsWith(g));
}

/** Validates Flux and Prometheus Operator resources in a plain Node process (one per batch). */
function esmModelErrors(objs: Manifest[]): string[] {
  if (objs.length === 0) return [];
  const out = execFileSync(process.execPath, [path.join(__dirname, 'crd-models.js')], { input: JSON.stringify(objs), encoding: 'utf8' });
  return JSON.parse(out);
}

/** Schema errors of one object; empty when it is valid. Throws when no schema is known for its kind. */
export function schemaErrors(obj: Manifest): string[] {
  if (isEsmModelKind(obj)) return esmModelErrors([obj]);
  const where = `${obj.kind}/${obj.metadata?.name}`;
  if (!obj.apiVersion || !obj.kind) return [`${where}: apiVersion and kind are required`];
  if (!obj.metadata?.name) return [`${where}: metadata.name is required`];
  const Model = kubernetesModel(obj.apiVersion, obj.kind);
  if (Model) {
    try {
      new (Model as any)(obj).validate();
      return [];
    } catch (e) {
      return [`${where}: ${(e as Error).message}`];
    }
  }
  loadCrds();
  const validate = crdValidators.get(`${obj.apiVersion}/${obj.kind}`);
  if (!validate) {
    throw new Error(`no schema known for ${obj.apiVersion} ${obj.kind}: add its CRD to test/fixtures/crds`);
  }
  if (validate(obj)) return [];
  return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '/'} ${e.message}${e.params && (e.params as any).additionalProperty ? ` (${(e.params as any).additionalProperty})` : ''}`);
}

/** Validates every object; throws one error listing all schema violations. */
export function assertValid(objs: Manifest[]): Manifest[] {
  const errors = [
    ...objs.filter((o) => !isEsmModelKind(o)).flatMap(schemaErrors),
    ...esmModelErrors(objs.filter(isEsmModelKind)),
  ];
  if (errors.length > 0) {
    throw new Error(`schema validation failed:\n  ${errors.join('\n  ')}`);
  }
  return objs;
}

/** Synthesizes a chart (running every validation) and checks every object against its schema. */
export function synthValid(chart: Chart): Manifest[] {
  return assertValid(Testing.synth(chart) as Manifest[]);
}

/** The one object of a kind (and name, if given); fails when there is not exactly one. */
export function only(objs: Manifest[], kind: string, name?: string): Manifest {
  const matches = objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (matches.length !== 1) {
    const all = objs.map((o) => `${o.kind}/${o.metadata.name}`).join(', ');
    throw new Error(`expected exactly one ${kind}${name ? ` named ${name}` : ''}, found ${matches.length}: ${all}`);
  }
  return matches[0];
}

/** Objects of a kind. */
export function ofKind(objs: Manifest[], kind: string): Manifest[] {
  return objs.filter((o) => o.kind === kind);
}
