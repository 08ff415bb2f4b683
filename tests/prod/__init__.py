"""Production profile tests: run-prod.sh configuration, and the profile under load with replica kills."""
