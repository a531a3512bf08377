export * from './cross-component-rules';
