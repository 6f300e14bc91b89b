export * from './organisations.ts';
export * from './invitations.ts';
export * from './client-session.ts';
export * from './portal-views.ts';
export * from './client-access.ts';
export * from './notify-client-user.ts';
export * from './cot/index.ts';
