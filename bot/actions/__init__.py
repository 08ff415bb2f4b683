"""Custom actions run by the rasa-sdk action server: thin glue between Rasa turns, the content and the store."""
