"""Staff web app: practitioners review handed-off summaries."""
