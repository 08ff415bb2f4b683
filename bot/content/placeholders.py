"""Sample values of the content's {placeholders}: the longest form of each message is measured with them."""

PLACEHOLDER_SAMPLES = {
    "n": "6",
    "factor": "Skills & competencies",
    "limit": "4000",
    "code": "KTPW-482",
    "days": "7",
    "practitioner": "Employer Engagement Specialist",
    "part": "Skills & competencies",
    "before": "5",
    "after": "5",
    "choices": "1 Strength, 2 Stressor, 3 Both or 4 Not sure",
    "option": "Not sure",
    "action": "delete everything you told us",
    "number": "3",
    "label": "Not sure",
    "meaning": "a bit of both, or you are not sure",
    "link": "https://works.example.ca/summary/AbCdEfGhIjKlMnOpQrStUvWxYz0",  # summary_links.TOKEN_CHARS
    "date": "2027-01-03",
    "site": "Nova Scotia Works Halifax Peninsula Career Centre",
}
