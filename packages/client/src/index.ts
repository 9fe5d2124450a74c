// The contract's types, so applications can type their own code without a second import.
export type {
  AgentErrorReport,
  AgentEvent,
  AgentMessage,
  AgentMessages,
  AgentProblem,
  AgentStatusResponse,
  ApiKey,
  ApiKeyList,
  ApiKeyListQuery,
  AuditAction,
  AuditEntry,
  AuditPage,
  AuditQuery,
  AuthStatusResponse,
  AuthTypesResponse,
  CreateApiKeyRequest,
  CreatedApiKey,
  CreatedShare,
  CreateShareRequest,
  DeleteSessionResponse,
  ErrorCode,
  Health,
  MessageType,
  MessageUpdate,
  OAuthAuthorizeRequest,
  OAuthAuthorizeResponse,
  OAuthCallbackQuery,
  OAuthLogoutResponse,
  OAuthRefreshRequest,
  OAuthTokenResponse,
  Problem,
  Readiness,
  RevokedApiKey,
  RevokedShares,
  SearchResponse,
  SendMessageResponse,
  Session,
  SessionChangeEvent,
  SessionChangeType,
  SessionEvent,
  SessionLogs,
  SessionResetEvent,
  SessionStatus,
  SessionSummary,
  Share,
  ShareList,
  StartSessionRequest,
  StatusChange,
  Tags,
  UploadResponse,
  WaitEventsQuery,
  WaitEventsResponse,
} from '@agentapi-proxy/shared'
export type { AgentApi } from './agent.ts'
export type { ApiErrorCode, ApiErrorInit } from './api-error.ts'
export { ApiError } from './api-error.ts'
export type { ApiKeysApi } from './api-keys.ts'
export type { AskOptions } from './ask.ts'
export type { AuditApi } from './audit.ts'
export type { AuthApi } from './auth.ts'
export type { Client, ClientOptions } from './client.ts'
export { createClient } from './client.ts'
export type { ConversationState } from './conversation.ts'
export { Conversation } from './conversation.ts'
export type { EventsOptions, ReconnectOptions } from './events.ts'
export type { HealthApi } from './health.ts'
export type { SearchOptions } from './search-params.ts'
export { ServerUnreachableError } from './server-unreachable-error.ts'
export type { SessionEventsOptions } from './session-events.ts'
export type { LogsOptions, SessionsApi } from './sessions.ts'
export type { SharedSession, SharedSessionOptions } from './shared-session.ts'
export { openSharedSession } from './shared-session.ts'
export type { SharesApi } from './shares.ts'
export type { WaitForStatusOptions } from './wait-for-status.ts'
