"""Development tools production never imports: the local stack launcher, a fake Twilio and the SMS sandbox."""
