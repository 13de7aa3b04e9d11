/**
 * Every Web API call the app makes, timed and classified for /metrics, as it passes through the
 * WebClient's fetch: the method (chat.postMessage, views.open...) and the outcome: `ok`, `rate_limited`
 * (HTTP 429), Slack's error code (`not_in_channel`...), `http_<status>` for another HTTP failure, or
 * `network` when no answer came (refused, reset, timed out). Each HTTP attempt counts, a web-api
 * retry included. Labels come from the URL's method name and Slack's error code only, each checked
 * against a plain pattern: never a token, a channel, a user or a text.
 */
import type { FetchFunction } from '@slack/web-api';

export interface SlackCall {
  method: string;
  outcome: string;
  seconds: number;
}

const METHOD = /^[a-zA-Z][a-zA-Z0-9_.]{0,79}$/;
const ERROR_CODE = /^[a-z][a-z0-9_]{0,63}$/;

/** `fetch`, with each call reported to `onCall` once its answer has been read. */
export function observedFetch(fetch: FetchFunction, apiUrl: string, onCall: (call: SlackCall) => void): FetchFunction {
  return async (url, init) => {
    const method = methodOf(String(url), apiUrl);
    const started = performance.now();
    const report = (outcome: string) => onCall({ method, outcome, seconds: (performance.now() - started) / 1000 });
    let response: Awaited<ReturnType<FetchFunction>>;
    try {
      response = await fetch(url, init);
    } catch (error) {
      report('network');
      throw error;
    }
    if (response.status === 429) report('rate_limited');
    else if (response.status !== 200) report(`http_${response.status}`);
    else {
      // Read from a copy, so that web-api reads the answer as it came.
      const copy = (response as unknown as Response).clone();
      let outcome: string;
      try {
        outcome = outcomeOf(await copy.text());
      } catch {
        outcome = 'network'; // The body broke off.
      }
      report(outcome);
    }
    return response;
  };
}

/** `chat.postMessage` from `<apiUrl>chat.postMessage`; `other` for a URL outside the API (a file upload). */
function methodOf(url: string, apiUrl: string): string {
  if (!url.startsWith(apiUrl)) return 'other';
  const method = url.slice(apiUrl.length).split(/[?#]/)[0]!;
  return METHOD.test(method) ? method : 'other';
}

function outcomeOf(body: string): string {
  let answer: { ok?: unknown; error?: unknown };
  try {
    answer = JSON.parse(body) as typeof answer;
  } catch {
    return 'invalid_response';
  }
  if (answer?.ok === true) return 'ok';
  return typeof answer?.error === 'string' && ERROR_CODE.test(answer.error) ? answer.error : 'error';
}
