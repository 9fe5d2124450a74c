import type { AgentStatus, Message } from './conversation.ts'

/**
 * The echo agent's terminal, as `GET /internal/screen` shows it: the conversation as it would
 * have scrolled by, with the `>` input prompt at the bottom whenever the agent waits for input
 * (the prompt a generic agent must show before agentapi calls it stable).
 */
export function renderScreen(messages: readonly Message[], status: AgentStatus): string {
  const blocks = messages
    .filter((message) => message.content !== '')
    .map((message) => (message.role === 'user' ? `> ${message.content}` : message.content))
  if (status === 'stable') blocks.push('>')
  // agentapi trims trailing whitespace off the screen text.
  return blocks.join('\n\n').trimEnd()
}
