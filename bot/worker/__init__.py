"""The outbox worker: delivers what the bot sends on its own (handoff emails now), in order, with retries."""
