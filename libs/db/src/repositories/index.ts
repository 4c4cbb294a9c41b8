export * from './api-token.repository';
export * from './audit.repository';
export * from './login-failure.repository';
export * from './session.repository';
export * from './signing-key.repository';
export * from './team.repository';
export * from './user.repository';
