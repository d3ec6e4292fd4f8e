/**
 * The sign-up routes: POST /subscriptions (form or JSON), and in local mode the confirmation and
 * unsubscribe links (GET shows a page whose one button POSTs; a POST of
 * `List-Unsubscribe=One-Click` ends a subscription at once, RFC 8058). On AWS, SNS hosts the
 * confirmation and unsubscribe links itself. Answers are never cached.
 */
import { renderSubscriptionPage, SUBSCRIPTION_PAGE_CSP } from "../publish/signup-form.ts";
import { type SignupDeps, signUp } from "../subscriptions/signup.ts";
import { SignupError } from "../subscriptions/validate.ts";
import { type ApiRequest, type ApiResponse, HttpError } from "./http.ts";
import { errorResponse, json } from "./respond.ts";

export interface SubscriptionRoutes {
  signup: SignupDeps;
  /** Phone sign-ups: checks the SMS code and subscribes the number (absent while SMS sign-up is off). */
  smsVerify?: (body: string, contentType: string | undefined) => Promise<unknown>;
  /** Local mode: our own confirmation and unsubscribe links. Absent on AWS (SNS hosts them). */
  links?: {
    confirm(token: string): Promise<boolean>;
    unsubscribe(token: string): Promise<boolean>;
  };
}

export const SUBSCRIPTIONS_PATH = "/subscriptions";

/** Whether the path belongs to these routes. */
export function isSubscriptionPath(path: string): boolean {
  return path === SUBSCRIPTIONS_PATH || path.startsWith(`${SUBSCRIPTIONS_PATH}/`);
}

const CHECK_MESSAGE = {
  email:
    "Check your inbox: we sent a confirmation link to that address, unless it is already subscribed. Nothing is sent before you confirm.",
  sms: "Check your phone: confirm with the code we sent, unless that number is already subscribed. Nothing is sent before you confirm.",
};

function wantsHtml(request: ApiRequest): boolean {
  const type = request.headers["content-type"]?.toLowerCase() ?? "";
  return (
    type.startsWith("application/x-www-form-urlencoded") ||
    (request.headers.accept ?? "").includes("text/html")
  );
}

function page(status: number, html: string): ApiResponse {
  return {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Content-Security-Policy": SUBSCRIPTION_PAGE_CSP,
      "Cache-Control": "no-store",
    },
    body: html,
  };
}

function noStore(response: ApiResponse): ApiResponse {
  return { ...response, headers: { ...response.headers, "Cache-Control": "no-store" } };
}

function tokenFrom(request: ApiRequest): string {
  const fromQuery = new URLSearchParams(request.rawQuery).get("token");
  const fromBody = new URLSearchParams((request.body ?? "").slice(0, 2000)).get("token");
  return (fromQuery ?? fromBody ?? "").slice(0, 100);
}

/** Routes one request under /subscriptions; `baseUrl` is the site's public base (no trailing slash). */
export async function routeSubscriptions(
  routes: SubscriptionRoutes,
  request: ApiRequest,
  baseUrl: string,
): Promise<ApiResponse> {
  const home = `${baseUrl}/`;
  const { path, method } = request;
  const isRead = method === "GET" || method === "HEAD";

  if (path === SUBSCRIPTIONS_PATH) {
    if (method !== "POST")
      throw new HttpError(405, "method_not_allowed", "POST a sign-up here", undefined, { Allow: "POST" });
    const html = wantsHtml(request);
    try {
      const signup = await signUp(routes.signup, {
        body: request.body ?? "",
        contentType: request.headers["content-type"],
        clientIp: request.clientIp,
      });
      const message = CHECK_MESSAGE[signup.channel];
      if (!html) return noStore(json(202, { status: "pending", message }));
      if (signup.channel === "email") {
        return page(202, renderSubscriptionPage({ title: "Check your inbox", paragraphs: [message], home }));
      }
      return page(
        202,
        renderSubscriptionPage({
          title: "Check your phone",
          paragraphs: [message],
          form: {
            action: `${baseUrl}${SUBSCRIPTIONS_PATH}/verify`,
            fields: { phone: signup.address },
            button: "Confirm",
            input: { name: "code", label: "Code from the SMS", pattern: "[0-9]{6}", maxLength: 6 },
          },
          home,
        }),
      );
    } catch (error) {
      if (!(error instanceof SignupError)) throw error;
      if (html) {
        return page(
          error.status,
          renderSubscriptionPage({ title: "Not subscribed", paragraphs: [error.message], home }),
        );
      }
      return noStore(errorResponse(new HttpError(error.status, error.code, error.message, error.field)));
    }
  }

  if (path === `${SUBSCRIPTIONS_PATH}/verify` && routes.smsVerify) {
    if (method !== "POST")
      throw new HttpError(405, "method_not_allowed", "POST the code here", undefined, { Allow: "POST" });
    const html = wantsHtml(request);
    try {
      await routes.smsVerify(request.body ?? "", request.headers["content-type"]);
    } catch (error) {
      if (!(error instanceof SignupError)) throw error;
      if (html)
        return page(
          error.status,
          renderSubscriptionPage({ title: "Not subscribed", paragraphs: [error.message], home }),
        );
      return noStore(errorResponse(new HttpError(error.status, error.code, error.message, error.field)));
    }
    const message = "Subscribed: alerts will reach this number. Reply STOP to any of them to end it.";
    return html
      ? page(200, renderSubscriptionPage({ title: "Subscribed", paragraphs: [message], home }))
      : noStore(json(200, { status: "subscribed", message }));
  }

  const links = routes.links;
  const action =
    path === `${SUBSCRIPTIONS_PATH}/confirm`
      ? "confirm"
      : path === `${SUBSCRIPTIONS_PATH}/unsubscribe`
        ? "unsubscribe"
        : null;
  if (!links || !action) throw new HttpError(404, "not_found", "no such path");
  if (!isRead && method !== "POST") {
    throw new HttpError(
      405,
      "method_not_allowed",
      `method ${method.slice(0, 20)} is not allowed`,
      undefined,
      { Allow: "GET, HEAD, POST" },
    );
  }
  const token = tokenFrom(request);
  const invalid = () =>
    page(
      400,
      renderSubscriptionPage({
        title: "Link not valid",
        paragraphs: [
          "token: this link is unknown, already used or expired. Subscribe again from the page if you want alerts.",
        ],
        home,
      }),
    );

  if (action === "confirm") {
    if (isRead) {
      // Opening the link changes nothing: mail scanners open links too.
      return page(
        200,
        renderSubscriptionPage({
          title: "Confirm your subscription",
          paragraphs: ["Press the button to start receiving heistwatch alerts at the address you gave."],
          form: { action: `${baseUrl}${SUBSCRIPTIONS_PATH}/confirm`, fields: { token }, button: "Confirm" },
          home,
        }),
      );
    }
    if (!(await links.confirm(token))) return invalid();
    return page(
      200,
      renderSubscriptionPage({
        title: "Subscribed",
        paragraphs: ["You will receive heistwatch alerts. Every mail has a link to unsubscribe at once."],
        home,
      }),
    );
  }

  const unsubscribeUrl = `${baseUrl}${SUBSCRIPTIONS_PATH}/unsubscribe?token=${encodeURIComponent(token)}`;
  if (isRead) {
    return page(
      200,
      renderSubscriptionPage({
        title: "Unsubscribe",
        paragraphs: ["Press the button to stop all heistwatch mails to this address."],
        form: { action: unsubscribeUrl, fields: { "List-Unsubscribe": "One-Click" }, button: "Unsubscribe" },
        home,
      }),
    );
  }
  // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the URL (token in its query).
  if (!(await links.unsubscribe(token))) return invalid();
  return page(
    200,
    renderSubscriptionPage({
      title: "Unsubscribed",
      paragraphs: ["No more heistwatch mails will be sent to this address."],
      home,
    }),
  );
}
