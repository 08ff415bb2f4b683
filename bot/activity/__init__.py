"""The activity engine: reads a participant's message, updates their run in the store and says what to reply."""
