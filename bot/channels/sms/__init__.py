"""SMS through Twilio: the webhook channel, its keywords, composing and sending replies, and its records."""
