"""Off-console notification: alarms and early warnings that reach people by e-mail and by
chat-robot webhooks (`rules`: which notices, escalation timers; `dispatcher`: queue, quiet hours,
rate limit, flood digest, retries, delivery log; `messages`: the texts; `smtp`, `webhooks`: the
transports; `notifier`: all of it attached to an engine). No Qt."""
