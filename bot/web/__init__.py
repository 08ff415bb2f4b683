"""The web app on port 8000: the participants' web chat page and the staff pages under /staff."""
