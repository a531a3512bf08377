// Warnings are asserted through TuningReport in tests; keep stderr quiet unless asked.
process.env.CDK8S_NETWORK_TUNING_WARNINGS = process.env.CDK8S_NETWORK_TUNING_WARNINGS ?? 'silent';
