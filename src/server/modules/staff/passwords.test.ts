import { describe, expect, it } from 'vitest';
import { passwordProblem } from './passwords.ts';

describe('passwordProblem', () => {
  it('refuses common, leaked and guessable passwords however long (NIST SP 800-63B)', () => {
    for (const password of [
      'password1234',
      'Password123!',
      'recallkit2025',
      'qwertyuiop12',

      'iloveyou1234',
    ])
      expect(passwordProblem(password, 'mary.jones@example.com'), password).toMatch(
        /common, leaked or easily guessed/,
      );
    expect(passwordProblem('maryjones-2026!', 'mary.jones@example.com')).not.toBeNull();
    expect(passwordProblem('short', 'a@b.example')).toBe('at least 12 characters');
  });

  it('accepts long passphrases and random passwords', () => {
    for (const password of ['correct horse battery staple', 'Zx8vN4pQ7rT2wB', 'violin tundra marmalade'])
      expect(passwordProblem(password, 'mary.jones@example.com'), password).toBeNull();
  });
});
