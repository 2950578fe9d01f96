import { t } from './i18n.js';

/**
 * The console's only way to the service: the public GraphQL API at /graphql (and the service's HTTP
 * routes for files, through download.ts), with the key the user typed, kept in this tab's sessionStorage and sent as the
 * Authorization header. No cookies: another site cannot make the browser act with the key.
 */
const KEY = 'suyuan.console.key';

/** The API's error as it said it: its message, and the code and reason in its extensions. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export const apiKey = (): string | null => sessionStorage.getItem(KEY);
export const setApiKey = (key: string): void => sessionStorage.setItem(KEY, key);
export const clearApiKey = (): void => sessionStorage.removeItem(KEY);

function headers(key: string | null): Record<string, string> {
  return key ? { authorization: `Bearer ${key}` } : {};
}

/** Runs a query or mutation; throws the API's first error as an ApiError. `key` overrides the stored key (signing in). */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}, key = apiKey()): Promise<T> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...headers(key) },
      body: JSON.stringify({ query, variables }),
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(t('networkError'), 'NETWORK');
  }
  let body: { data?: T; errors?: { message: string; extensions?: { code?: string; reason?: string } }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(`HTTP ${response.status} ${response.statusText}`, 'HTTP');
  }
  const error = body.errors?.[0];
  if (error) throw new ApiError(error.message, error.extensions?.code, error.extensions?.reason);
  if (!body.data) throw new ApiError(`HTTP ${response.status}`, 'HTTP');
  return body.data;
}

/** The Authorization header of the stored key, for the service's HTTP routes (a link could not carry it). */
export function authHeaders(): Record<string, string> {
  return headers(apiKey());
}

/** An HTTP route's refusal as the API said it: `{ errors: [{ message, extensions: { code } }] }`, an RFC 7807 problem, or its text. */
export async function apiErrorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const json = JSON.parse(text) as {
      message?: string;
      title?: string;
      code?: string;
      errors?: { message: string; extensions?: { code?: string; reason?: string } }[];
    };
    const first = json.errors?.[0];
    const message = first?.message ?? json.message ?? json.title;
    if (message) return new ApiError(message, first?.extensions?.code ?? json.code, first?.extensions?.reason);
  } catch {
    // Not JSON: the text as it came.
  }
  return new ApiError(text || `HTTP ${response.status} ${response.statusText}`, 'HTTP');
}
