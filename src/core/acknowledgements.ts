import { IConstruct } from 'constructs';
import { checkCall } from './_boundary';
import { ConfigErrors } from './_errors';
import { AppState } from './_registry';

/** Rule ids are upper-case words joined by hyphens (NP001, SVC-HINTS-FEW-ENDPOINTS). */
const RULE_ID = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$/;

/**
 * Acknowledged warnings, in the style of cdk-nag suppressions: a warning of a rule on a construct
 * (or anything under it: a component, a chart, the app) is accepted with a reason. Acknowledged
 * warnings are not printed, do not fail synthesis under `CDK8S_NETWORK_TUNING_WARNINGS=error`, and
 * are listed with their reasons in the report (`TuningReport.acknowledgedWarnings`, `toMarkdown`).
 * Errors cannot be acknowledged: they describe output that does not work.
 *
 * @example
 * Acknowledgements.acknowledge(tuning, 'SVC-HINTS-FEW-ENDPOINTS', 'the batch Services run 2 replicas on purpose');
 */
export class Acknowledgements {
  /**
   * Acknowledges the warnings of rule `ruleId` on `scope` and every construct under it.
   * Acknowledging the same rule on the same construct again replaces the reason.
   */
  public static acknowledge(scope: IConstruct, ruleId: string, reason: string): void {
    [scope, ruleId, reason] = checkCall('Acknowledgements.acknowledge', [scope, ruleId, reason]) as [IConstruct, string, string];
    const errors = new ConfigErrors('Acknowledgements.acknowledge');
    if (!RULE_ID.test(ruleId)) errors.add('ruleId', ruleId, 'must be a rule id: upper-case letters and digits in words joined by hyphens (for example NP001 or SVC-HINTS-FEW-ENDPOINTS)');
    if (reason.trim() === '') errors.add('reason', reason, 'must say why the warning is accepted (it is listed in the report)');
    errors.throwIfAny();
    AppState.of(scope).acknowledge(scope, ruleId, reason.trim());
  }

  /** Static members only. */
  private constructor() {}
}
