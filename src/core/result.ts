/** A domain outcome: the value, or a refusal with a stable snake_case code and a sentence for people. */
export type Result<T, Code extends string = string> =
  | { ok: true; value: T }
  | { ok: false; code: Code; message: string };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });

export const refuse = <Code extends string>(code: Code, message: string): Result<never, Code> => ({
  ok: false,
  code,
  message,
});
