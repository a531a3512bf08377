export * from './service-tuning';
