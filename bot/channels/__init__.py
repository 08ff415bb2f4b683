"""Channels: one Rasa InputChannel package per outside service (webchat/, sms/, telegram/) and the local REST channel."""
