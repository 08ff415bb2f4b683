"""Web chat: the Rasa channel behind the web page (the page and its proxy live in bot/web)."""
