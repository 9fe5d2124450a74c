import type { IncomingMessage, ServerResponse } from 'node:http'
import { posix } from 'node:path'
import { type Conversation, SendError } from './conversation.ts'
import { writeJson } from './envelope.ts'
import type { EventHub } from './events.ts'
import { parseMessageRequest } from './message-request.ts'
import { Problem } from './problems.ts'
import { JSON_BODY_LIMITS, readBody } from './request-body.ts'
import type { Handler, Route } from './router.ts'
import { getSchema } from './schemas.ts'
import type { Settings } from './settings.ts'
import type { Uploads } from './uploads.ts'
import type { WriteLock } from './write-lock.ts'

/** What the API's handlers work on. */
export interface ApiParts {
  settings: Settings
  conversation: Conversation
  hub: EventHub
  uploads: Uploads
  lock: WriteLock
}

/**
 * agentapi's complete route list: the API, its JSON Schemas, the `/` redirect and the chat UI's
 * place.
 */
export function apiRoutes(parts: ApiParts): Map<string, Route> {
  const get = (handler: Handler): Route => ({ methods: { GET: handler } })
  const post = (handler: Handler): Route => ({ methods: { POST: handler } })
  const embed = posix.join('/', parts.settings.chatBasePath, 'embed')
  return new Map<string, Route>([
    ['/status', get((req, res) => getStatus(parts, req, res))],
    ['/messages', get((req, res) => getMessages(parts, req, res))],
    ['/message', post((req, res) => postMessage(parts, req, res))],
    ['/upload', post((req, res) => postUpload(parts, req, res))],
    ['/events', get(subscribeEvents(parts))],
    ['/internal/screen', get((_req, res) => parts.hub.subscribeScreen(res))],
    ['/schemas/*', get(getSchema)],
    ['/', { any: (req, res) => redirect(req, res, embed) }],
    ['/chat', { any: chatStub }],
    ['/chat/*', { any: chatStub }],
  ])
}

async function getStatus(
  { conversation, settings, lock }: ApiParts,
  req: IncomingMessage,
  res: ServerResponse,
) {
  await lock.read()
  writeJson(req, res, 'StatusResponseBody', {
    status: conversation.status,
    agent_type: settings.agentType,
    transport: 'pty',
  })
}

async function getMessages(
  { conversation, lock }: ApiParts,
  req: IncomingMessage,
  res: ServerResponse,
) {
  await lock.read()
  const messages = conversation.messages.map(({ id, content, role, time }) => ({
    id,
    content,
    role,
    time,
  }))
  writeJson(req, res, 'MessagesResponseBody', { messages })
}

async function postMessage(
  { conversation, lock }: ApiParts,
  req: IncomingMessage,
  res: ServerResponse,
) {
  const body = await readBody(req, JSON_BODY_LIMITS)
  if (body.length === 0) throw new Problem(400, 'request body is required')
  const message = parseMessageRequest(body, req.headers['content-type'])
  await lock.write(async () => {
    if (message.type === 'raw') return conversation.sendRaw(message.content)
    try {
      await conversation.sendUser(message.content)
    } catch (error) {
      // agentapi wraps the reason twice over: huma's 500 around `failed to send message: …`.
      if (error instanceof SendError)
        throw Problem.unexpected(`failed to send message: ${error.message}`)
      throw error
    }
  })
  writeJson(req, res, 'MessageResponseBody', { ok: true })
}

async function postUpload({ uploads }: ApiParts, req: IncomingMessage, res: ServerResponse) {
  const filePath = await uploads.save(req)
  writeJson(req, res, 'UploadResponseBody', { ok: true, filePath })
}

function subscribeEvents({ settings, hub }: ApiParts): Handler {
  let subscribers = 0
  return (_req, res) => {
    settings.log('INFO', 'New subscriber', { subscriberId: ++subscribers })
    hub.subscribeEvents(res)
  }
}

/** Go's `http.Redirect` with 307: a small HTML body for GET, none otherwise. */
function redirect(req: IncomingMessage, res: ServerResponse, location: string): void {
  const headers: Record<string, string | number> = { Location: location }
  const body =
    req.method === 'GET' ? `<a href="${escapeHtml(location)}">Temporary Redirect</a>.\n\n` : ''
  if (req.method === 'GET' || req.method === 'HEAD')
    headers['Content-Type'] = 'text/html; charset=utf-8'
  headers['Content-Length'] = Buffer.byteLength(body)
  res.writeHead(307, headers)
  res.end(body)
}

const CHAT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>AgentAPI Chat</title></head>
<body><p>This agentapi-compatible echo agent has no chat UI. Talk to it through the API.</p></body></html>
`

/** agentapi serves its embedded chat UI here; the echo agent serves a stub page. */
function chatStub(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(CHAT_PAGE),
  })
  res.end(CHAT_PAGE)
}

function escapeHtml(text: string): string {
  const entities: Record<string, string> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&#34;',
    "'": '&#39;',
  }
  return text.replace(/[&<>"']/g, (c) => entities[c] ?? c)
}
