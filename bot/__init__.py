"""Magnetic Factors bot: self-guided reflective activities by SMS, web chat and Telegram."""
