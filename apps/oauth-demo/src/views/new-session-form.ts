import type { Client, Session, StartSessionRequest } from '@agentapi-proxy/client'
import { h } from '../elements.ts'
import { parseKeyValues } from '../key-values.ts'

/** What the form needs from the page around it. */
export interface NewSessionFormOptions {
  client: Client
  started(session: Session): void
  report(error: unknown, what: string): void
}

/** The form plus a switch for callers whose role may not create sessions. */
export interface NewSessionForm {
  element: HTMLElement
  allow(allowed: boolean): void
}

/**
 * `POST /start`: environment variables, tags and a first message, which the proxy sends once
 * the agent is ready. The proxy's own refusals (a reserved variable name, a bad tag) are shown
 * as it words them.
 */
export function newSessionForm(options: NewSessionFormOptions): NewSessionForm {
  const environment = h('textarea', {
    name: 'environment',
    rows: 2,
    placeholder: 'APP_LOG_LEVEL=debug  (one per line)',
    spellcheck: false,
  })
  const tags = h('input', {
    name: 'tags',
    placeholder: 'team=infra, purpose=demo',
    spellcheck: false,
  })
  const message = h('textarea', {
    name: 'message',
    rows: 3,
    placeholder: 'What should the agent do first?',
  })
  const submit = h('button', { type: 'submit', className: 'primary' }, 'Start session')
  const denied = h('p', { className: 'fine', hidden: true }, 'Your role may not start sessions.')
  const form = h(
    'form',
    { className: 'panel new-session', ariaLabel: 'New session' },
    h('h2', {}, 'New session'),
    field('First message', message),
    field('Tags', tags),
    field('Environment', environment),
    h('div', { className: 'actions' }, submit),
    denied,
  )

  form.onsubmit = async (event) => {
    event.preventDefault()
    submit.disabled = true
    submit.textContent = 'Starting…'
    try {
      const body = request(environment.value, tags.value, message.value)
      const session = await options.client.start(body)
      form.reset()
      options.started(session)
    } catch (error) {
      options.report(error, 'Could not start the session')
    } finally {
      submit.disabled = false
      submit.textContent = 'Start session'
    }
  }

  return {
    element: form,
    allow: (allowed) => {
      for (const control of [environment, tags, message, submit]) control.disabled = !allowed
      denied.hidden = allowed
    },
  }
}

function request(environment: string, tags: string, message: string): StartSessionRequest {
  const body: StartSessionRequest = {}
  const env = parseKeyValues(environment, { label: 'Environment' })
  const tagValues = parseKeyValues(tags, { label: 'Tags', commas: true })
  if (Object.keys(env).length > 0) body.environment = env
  if (Object.keys(tagValues).length > 0) body.tags = tagValues
  if (message.trim()) body.message = message.trim()
  return body
}

function field(label: string, control: HTMLElement): HTMLElement {
  return h('label', { className: 'field' }, h('span', {}, label), control)
}
