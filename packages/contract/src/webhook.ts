// Webhooks as an admin configures them (the same schema checks the form and the procedure), the
// events they carry, and the generic format's signature headers, which receivers verify.
import { z } from "zod";

export const webhookEvents = ["machine.critical", "command.failed", "remediation.failed", "machine.offline", "machine.enrolled"] as const;
export const WebhookEvent = z.enum(webhookEvents);
export type WebhookEvent = z.infer<typeof WebhookEvent>;

/** json: the event as JSON, signed. slack: a Slack-compatible incoming-webhook message. */
export const WebhookFormat = z.enum(["json", "slack"]);
export type WebhookFormat = z.infer<typeof WebhookFormat>;

export const WebhookUrl = z
  .url({ protocol: /^https?$/, error: "An http:// or https:// URL." })
  .max(2000, "At most 2000 characters.");

export const NewWebhook = z.object({
  name: z.string().trim().min(1, "Give the webhook a name.").max(100, "At most 100 characters."),
  format: WebhookFormat,
  url: WebhookUrl,
  events: z.array(WebhookEvent).min(1, "Choose at least one event.").max(webhookEvents.length),
});
export type NewWebhook = z.infer<typeof NewWebhook>;

/**
 * The generic format's headers. The signature is `v1=` and the hex HMAC-SHA256, keyed with the
 * webhook's signing secret, of `<timestamp>.<raw body>`; the timestamp is Unix seconds.
 */
export const webhookHeaders = {
  event: "x-cachefleet-event",
  delivery: "x-cachefleet-delivery",
  timestamp: "x-cachefleet-timestamp",
  signature: "x-cachefleet-signature",
} as const;
