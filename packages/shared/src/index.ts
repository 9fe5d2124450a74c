export type {
  AgentErrorReport,
  AgentEvent,
  AgentEventType,
  AgentMessage,
  AgentMessages,
  AgentProblem,
  AgentStatusResponse,
  AgentTransport,
  ConversationRole,
  MessageType,
  MessageUpdate,
  SendMessageRequest,
  SendMessageResponse,
  StatusChange,
  UploadResponse,
} from './agent.ts'
export {
  AgentErrorReportSchema,
  AgentEventSchema,
  AgentMessageSchema,
  AgentMessagesSchema,
  AgentProblemSchema,
  AgentStatusResponseSchema,
  AgentTransportSchema,
  ConversationRoleSchema,
  MessageTypeSchema,
  MessageUpdateSchema,
  SendMessageRequestSchema,
  SendMessageResponseSchema,
  StatusChangeSchema,
  UploadResponseSchema,
} from './agent.ts'
export type {
  ApiKey,
  ApiKeyList,
  ApiKeyListQuery,
  CreateApiKeyRequest,
  CreatedApiKey,
  RevokedApiKey,
} from './api-keys.ts'
export {
  ApiKeyListQuerySchema,
  ApiKeyListSchema,
  ApiKeySchema,
  CreateApiKeyRequestSchema,
  CreatedApiKeySchema,
  RevokedApiKeySchema,
} from './api-keys.ts'
export type { AuditAction, AuditEntry, AuditPage, AuditQuery } from './audit.ts'
export {
  AuditActionSchema,
  AuditEntrySchema,
  AuditPageSchema,
  AuditQuerySchema,
} from './audit.ts'
export type { AuthStatusResponse, AuthType, AuthTypesResponse, Permission, Role } from './auth.ts'
export {
  AuthStatusResponseSchema,
  AuthTypeSchema,
  AuthTypesResponseSchema,
  PermissionSchema,
  RoleSchema,
} from './auth.ts'
export type { Environment, Tags } from './common.ts'
export {
  ENV_KEY_PATTERN,
  EnvironmentSchema,
  RESERVED_TAG_KEY,
  SessionIdSchema,
  TagsSchema,
  TimestampSchema,
  UserIdSchema,
} from './common.ts'
export type { Health, Readiness } from './health.ts'
export { HealthSchema, ReadinessSchema } from './health.ts'
export type { McpServer, McpServers } from './mcp-servers.ts'
export { McpServerNameSchema, McpServerSchema, McpServersSchema } from './mcp-servers.ts'
export type {
  GetMessagesInput,
  GetMessagesOutput,
  GetStatusOutput,
  ListSessionsInput,
  SendMessageInput,
  SendMessageOutput,
  SessionRefInput,
  StartSessionInput,
} from './mcp-tools.ts'
export {
  GetMessagesInputSchema,
  GetMessagesOutputSchema,
  GetStatusOutputSchema,
  ListSessionsInputSchema,
  SendMessageInputSchema,
  SendMessageOutputSchema,
  SessionRefInputSchema,
  StartSessionInputSchema,
} from './mcp-tools.ts'
export type {
  OAuthAuthorizeRequest,
  OAuthAuthorizeResponse,
  OAuthCallbackQuery,
  OAuthLogoutResponse,
  OAuthRefreshRequest,
  OAuthTokenResponse,
  OAuthUser,
} from './oauth.ts'
export {
  OAuthAuthorizeRequestSchema,
  OAuthAuthorizeResponseSchema,
  OAuthCallbackQuerySchema,
  OAuthLogoutResponseSchema,
  OAuthRefreshRequestSchema,
  OAuthTokenResponseSchema,
  OAuthUserSchema,
} from './oauth.ts'
export type { ErrorCode, FieldIssue, Problem } from './problem.ts'
export {
  ERROR_CODES,
  ERROR_STATUS,
  ERROR_TITLE,
  FieldIssueSchema,
  PROBLEM_CONTENT_TYPE,
  ProblemSchema,
  problemType,
} from './problem.ts'
export type {
  SessionChangeEvent,
  SessionChangeType,
  SessionEvent,
  SessionResetEvent,
  WaitEventsQuery,
  WaitEventsResponse,
} from './session-events.ts'
export {
  MAX_EVENT_WAIT_SECONDS,
  SessionChangeEventSchema,
  SessionChangeTypeSchema,
  SessionEventSchema,
  SessionResetEventSchema,
  WaitEventsQuerySchema,
  WaitEventsResponseSchema,
} from './session-events.ts'
export type {
  AgentStatus,
  DeleteSessionResponse,
  LogsQuery,
  SearchQuery,
  SearchResponse,
  Session,
  SessionLogs,
  SessionStatus,
  SessionSummary,
  StartSessionRequest,
} from './sessions.ts'
export {
  AgentStatusSchema,
  DeleteSessionResponseSchema,
  LIVE_SESSION_STATUSES,
  LogsQuerySchema,
  SearchQuerySchema,
  SearchResponseSchema,
  SessionLogsSchema,
  SessionParamsSchema,
  SessionSchema,
  SessionStatusListSchema,
  SessionStatusSchema,
  SessionSummarySchema,
  StartSessionRequestSchema,
  tagFilters,
} from './sessions.ts'
export type {
  CreatedShare,
  CreateShareRequest,
  RevokedShares,
  Share,
  ShareList,
} from './shares.ts'
export {
  CreatedShareSchema,
  CreateShareRequestSchema,
  RevokedSharesSchema,
  SHARE_DEFAULT_SECONDS,
  SHARE_MAX_SECONDS,
  ShareIdSchema,
  ShareListSchema,
  ShareSchema,
} from './shares.ts'
