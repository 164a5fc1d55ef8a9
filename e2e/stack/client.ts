// A small REST client for system tests: JSON in and out, the status and headers kept.

/** A response body as the tests read it: whatever JSON the API sent, checked by the assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read ad-hoc JSON shapes
export type Json = any;

export interface ApiResponse<T = Json> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ApiClient {
  request<T = Json>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>>;
  get<T = Json>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  post<T = Json>(
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>>;
  put<T = Json>(
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse<T>>;
  delete<T = Json>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>>;
}

/** A client of `base` sending `defaults` with every request. */
export function client(base: string, defaults: Record<string, string> = {}): ApiClient {
  const request = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...defaults,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed as Json };
  };
  return {
    request,
    get: (p, h) => request("GET", p, undefined, h),
    post: (p, b, h) => request("POST", p, b, h),
    put: (p, b, h) => request("PUT", p, b, h),
    delete: (p, h) => request("DELETE", p, undefined, h),
  };
}
