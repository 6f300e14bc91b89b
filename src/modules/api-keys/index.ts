export * from './api-key.schema.ts';
export { createApiKey, type CreateApiKeyInput } from './create-api-key.ts';
export { revokeApiKey } from './revoke-api-key.ts';
export { listApiKeys } from './list-api-keys.ts';
export { authenticateApiKey, type ApiKeyAuthResult } from './authenticate-api-key.ts';
export { ApiKeyCache, invalidateApiKeyLocally } from './api-key.cache.ts';
