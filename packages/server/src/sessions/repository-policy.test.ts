import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.ts'
import { githubWebUrl, RepositoryPolicy } from './repository-policy.ts'

function refusal(policy: RepositoryPolicy, repository: string): string {
  try {
    policy.cloneUrl(repository)
  } catch (error) {
    if (!(error instanceof AppError)) throw error
    expect(error.errors?.[0]?.path).toBe('repository')
    return error.errors?.[0]?.message ?? ''
  }
  throw new Error(`${repository} was accepted`)
}

// Issue 19 item 9.
describe('RepositoryPolicy', () => {
  const policy = new RepositoryPolicy({ githubUrl: githubWebUrl('https://api.github.com') })

  it('clones owner/repo and git URLs of the configured GitHub', () => {
    expect(policy.cloneUrl('octo/hello')).toBe('https://github.com/octo/hello.git')
    expect(policy.cloneUrl('https://github.com/octo/hello.git')).toBe(
      'https://github.com/octo/hello.git',
    )
    expect(policy.cloneUrl('git@github.com:octo/hello.git')).toBe('git@github.com:octo/hello.git')
    expect(policy.cloneUrl('ssh://git@github.com/octo/hello')).toBe(
      'ssh://git@github.com/octo/hello',
    )
  })

  it('refuses local paths, other hosts, clear-text transports and credentials', () => {
    expect(refusal(policy, 'file:///work/main')).toMatch(/Local repositories are not allowed/)
    expect(refusal(policy, 'https://evil.example/o/r')).toMatch(/evil.example is not an allowed/)
    expect(refusal(policy, 'git@evil.example:o/r')).toMatch(/not an allowed host/)
    expect(refusal(policy, 'http://github.com/o/r')).toMatch(/http:/)
    expect(refusal(policy, 'git://github.com/o/r')).toMatch(/git:/)
    expect(refusal(policy, 'ext::sh -c touch% /tmp/x')).toMatch(/ext:/)
    expect(refusal(policy, '--upload-pack=touch /tmp/x')).toMatch(/Use owner\/repo/)
    expect(refusal(policy, 'https://x-access-token:ghp_x@github.com/o/r')).toMatch(/Credentials/)
    expect(refusal(policy, 'https://ghp_x@github.com/o/r')).toMatch(/Credentials/)
    expect(refusal(policy, 'ssh://git:pw@github.com/o/r')).toMatch(/Credentials/)
    expect(refusal(policy, '../etc')).toMatch(/Use owner\/repo/)
  })

  it('lets an admin allow local clones and other hosts', () => {
    const open = new RepositoryPolicy({
      githubUrl: 'https://ghe.example',
      allowedHosts: ['git.example'],
      allowLocal: true,
    })
    expect(open.cloneUrl('file:///srv/repo')).toBe('file:///srv/repo')
    expect(open.cloneUrl('https://git.example/o/r')).toBe('https://git.example/o/r')
    expect(open.cloneUrl('o/r')).toBe('https://ghe.example/o/r.git')
    expect(refusal(open, 'file://host/srv/repo')).toMatch(/may not name a host/)
  })

  it('derives the GitHub web origin from the API base', () => {
    expect(githubWebUrl('https://ghe.example/api/v3')).toBe('https://ghe.example')
    expect(githubWebUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787')
  })
})
