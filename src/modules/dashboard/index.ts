export * from './dashboard.schema.ts';
export { getDashboard } from './get-dashboard.ts';
