"""The demo employers (`python -m bot demo-data`): small Nova Scotia businesses, the job each hires for, and the
owner's words on the six factors. Everyone is invented; contacts use fictional numbers and @example.ca emails."""

from __future__ import annotations

from dataclasses import dataclass


# ---------------------------------------------------------------- employers
@dataclass(frozen=True)
class Business:
    """A small employer: its name, the job, its six factors in the owner's words, priorities and closing."""

    language: str
    name: str
    roles: tuple[str, ...]
    factors: dict[str, tuple[str, str]]
    priorities: tuple[str, ...]
    closing: str
    contact: str  # {name}, {phone}, {email} filled in
    contact_names: tuple[str, ...]


BUSINESSES = (
    Business(
        "en",
        "Harbourview Diner",
        ("Line cook", "Server"),
        {
            "skills": ("strength", "Food safety and a cool head on a rush. We train on our menu the first two weeks."),
            "capacity": (
                "stressor",
                "Friday and Saturday nights are flat out. I cover the grill myself when someone calls in.",
            ),
            "pay": ("stressor", "$17/h + tips, a free meal every shift. We can't match the big chains."),
            "arrangements": ("both", "Nights and weekends mostly, some days. On site, on the bus line."),
            "values": ("strength", "Treat customers like neighbours. Show up on time, tell us early if you can't."),
            "culture": ("strength", "Small team, we eat together after close. New people get a buddy for a month."),
        },
        ("arrangements", "culture"),
        "I see why people quit after a month. Nobody tells them the weekend rush is the job.",
        "{name}, {phone}, between 2 and 4 (after the lunch rush)",
        ("Dana", "Terry"),
    ),
    Business(
        "en",
        "Maple Grove Care Home",
        ("Continuing care assistant", "Night CCA"),
        {
            "skills": ("both", "CCA certificate needed. We pay for first aid and dementia care training."),
            "capacity": ("stressor", "Short-staffed. Heavy lifting, and some days are hard emotionally."),
            "pay": ("strength", "$21-23/hr, health plan and a pension after a year."),
            "arrangements": (
                "stressor",
                "12-hour shifts, nights and weekends in rotation. The rota is set months ahead.",
            ),
            "values": ("strength", "Dignity for residents comes first. We expect kindness, every shift."),
            "culture": ("both", "Great team on days; nights feel cut off from the rest. We're working on it."),
        },
        ("skills", "values"),
        "Clearer on what I can offer. The pay is good; the schedule is what scares people off.",
        "Ask for {name} in HR: {email}, or {phone}",
        ("Krista", "Brenda"),
    ),
    Business(
        "en",
        "Bluenose Distribution",
        ("Warehouse associate", "Forklift operator"),
        {
            "skills": ("strength", "Forklift ticket is a plus, we can certify you. Must be careful and on time."),
            "capacity": ("both", "Steady pace, quotas on picking. Heavy in November and December."),
            "pay": ("strength", "$19.50/hr with a night premium, benefits after 3 months."),
            "arrangements": (
                "both",
                "Days, evenings or nights, Monday to Friday. You need a car, the bus doesn't come out to the park.",
            ),
            "values": ("strength", "Safety first. Nobody gets yelled at for stopping the line."),
            "culture": ("stressor", "Stressor. People keep to themselves, turnover is high on nights."),
        },
        ("pay", "capacity"),
        "I never wrote down why people leave. The drive out here is a big one.",
        "{name}, shipping office, {phone} weekdays 8 to 4",
        ("Wade", "Kyle"),
    ),
    Business(
        "en",
        "Kingsway Hardware",
        ("Store clerk", "Paint desk clerk"),
        {
            "skills": ("strength", "Knowing tools helps but we teach. Cash and a friendly hello matter most."),
            "capacity": ("strength", "Busy Saturday mornings, quiet weekday afternoons. Fair workload."),
            "pay": ("stressor", "$16.50 an hour to start, staff discount. Hard to compete on pay."),
            "arrangements": ("strength", "Part-time, some Saturdays. Downtown, on the bus line."),
            "values": ("strength", "Honest advice, even if it means a smaller sale."),
            "culture": ("strength", "Family-run for 40 years. We train people one on one."),
        },
        ("culture", "values"),
        "Helped me put into words what we offer besides pay.",
        "{name}, {phone}, mornings before the store opens",
        ("Pat", "Robin"),
    ),
    Business(
        "en",
        "Atlantic Pride Seafoods",
        ("Production worker (seasonal)", "Fish plant packer"),
        {
            "skills": ("strength", "No experience needed. We teach the line and knife safety on day one."),
            "capacity": ("stressor", "Fast pace, cold room, long days in the peak of the season."),
            "pay": ("strength", "$18/hr plus a season-end bonus; overtime in peak weeks."),
            "arrangements": (
                "both",
                "Seasonal, April to December. Early shifts, 6 am start. We run a shuttle from town.",
            ),
            "values": ("strength", "Hard work, and we look after our own."),
            "culture": (
                "both",
                "Many workers come back every year. Newcomers need more help with English on the floor.",
            ),
        },
        ("capacity", "arrangements"),
        "I see we could hire more locals if the shuttle was better known.",
        "{name}, {phone} (office), or {email}",
        ("Shawna", "Trevor"),
    ),
    Business(
        "en",
        "Little Lighthouse Daycare",
        ("Early childhood educator", "ECE assistant"),
        {
            "skills": ("both", "ECE level 1 or working on it. We help pay for courses."),
            "capacity": ("stressor", "Ratios are tight. When one person is sick the day is very hard."),
            "pay": ("both", "$20-22/hr with ECE level 1, health and dental."),
            "arrangements": ("strength", "Monday to Friday, days. 7:30 to 4 or 9 to 5:30."),
            "values": ("strength", "Play-based learning, respect for every family."),
            "culture": ("strength", "We welcome new staff with two weeks of shadowing."),
        },
        ("skills", "capacity"),
        "I know now what I can flex: hours yes, ratios no.",
        "{name}, director, {email}",
        ("Jamie", "Grace"),
    ),
    Business(
        "en",
        "Tidewater IT Services",
        ("Help desk technician", "IT support (entry level)"),
        {
            "skills": ("strength", "A+ or similar. Good with people on the phone matters more than certificates."),
            "capacity": ("both", "Busy Monday mornings, ticket queue, some evenings on call."),
            "pay": ("strength", "$22/hr, health plan, paid certifications."),
            "arrangements": ("strength", "Hybrid: 3 days from home, 2 on site in Dartmouth. Weekdays."),
            "values": ("strength", "Explain things without making people feel dumb."),
            "culture": ("both", "Small team, lots of remote work, so new people can feel alone at first."),
        },
        ("skills", "culture"),
        "I'm the HR person by accident. This gave me a checklist for the first month.",
        "{name}, {email} or {phone}",
        ("Morgan", "Lee"),
    ),
    Business(
        "fr",
        "Boulangerie Chez Léonie",
        ("Aide-boulanger", "Commis au comptoir"),
        {
            "skills": ("strength", "On forme sur place. Il faut être ponctuel et aimer le monde."),
            "capacity": ("stressor", "Les matins sont très occupés, je fais souvent deux quarts moi-même."),
            "pay": ("stressor", "17 $ de l'heure, pain gratuit. On ne peut pas offrir plus pour l'instant."),
            "arrangements": ("both", "Tôt le matin, 4 h, et les fins de semaine. Sur place."),
            "values": ("strength", "Le travail bien fait et servir les clients en français."),
            "culture": ("strength", "Petite équipe, on se connaît tous. Les nouveaux sont bien accueillis."),
        },
        ("arrangements", "values"),
        "Je vois mieux pourquoi les jeunes partent : les heures du matin.",
        "{name}, {phone} après 13 h",
        ("Léonie", "Réjean"),
    ),
    Business(
        "en",
        "Fundy Cleaning Co.",
        ("Commercial cleaner", "Evening cleaner"),
        {
            "skills": ("strength", "We train. Reliable and careful is what we need."),
            "capacity": ("both", "Steady work, on your feet the whole shift."),
            "pay": ("stressor", "$16.75/hr, mileage paid between sites."),
            "arrangements": ("both", "Evenings, 6 to 10 pm, Monday to Friday. You need to drive between sites."),
            "values": ("strength", "Trust: our staff have the keys to our clients' offices."),
            "culture": ("stressor", "People mostly work alone, so it's hard to feel part of a team."),
        },
        ("arrangements", "values"),
        "Made me think about how lonely the job can be. We could pair people up.",
        "{name}, {phone}, any weekday",
        ("Darlene", "Chris"),
    ),
    Business(
        "en",
        "Valley Auto & Tire",
        ("Tire technician", "Shop helper"),
        {
            "skills": ("both", "Mechanical sense helps. Red Seal not needed for tires, we show you."),
            "capacity": ("stressor", "Tire season is brutal, 10-hour days in April and November."),
            "pay": ("strength", "$19-21/hr, tool allowance, benefits after 6 months."),
            "arrangements": ("both", "Monday to Friday, days, plus Saturdays in tire season. On site."),
            "values": ("strength", "Do it right the first time, and be straight with customers."),
            "culture": ("strength", "Shop banter, but nobody gets picked on. Lunch is on us Fridays."),
        },
        ("pay", "skills"),
        "I realised the job ad never said we train. That's our best selling point.",
        "{name}, {phone}, between 7 and 8 am",
        ("Wade", "Joseph"),
    ),
    Business(
        "en",
        "Northshore Grocery",
        ("Deli clerk", "Cashier"),
        {
            "skills": ("strength", "Food safety course we pay for. Friendly and quick on cash."),
            "capacity": ("both", "Rushes before supper and on weekends, quieter mornings."),
            "pay": ("both", "$16.50/hr, benefits for full-time."),
            "arrangements": (
                "strength",
                "Part-time or full-time, days and weekends. Flexible for students and parents.",
            ),
            "values": ("strength", "Local, community first. We sponsor the hockey team."),
            "culture": ("both", "Long-time staff are great, but not always patient with new people."),
        },
        ("arrangements", "culture"),
        "I need to talk to my long-timers about how we welcome new staff.",
        "{name}, {email}",
        ("Casey", "Brenda"),
    ),
    Business(
        "fr",
        "Garderie Les Petits Crabes",
        ("Éducatrice à la petite enfance", "Aide-éducatrice"),
        {
            "skills": ("both", "ECE niveau 1 ou en formation. Le français est nécessaire."),
            "capacity": ("stressor", "Les ratios sont serrés, une absence rend la journée lourde."),
            "pay": ("strength", "21 $ de l'heure, assurances santé et dentaires."),
            "arrangements": ("strength", "Du lundi au vendredi, de jour. Pas de fins de semaine."),
            "values": ("strength", "La culture acadienne et le jeu au cœur de tout."),
            "culture": ("strength", "On accueille chaque nouvelle avec une marraine pendant un mois."),
        },
        ("skills", "values"),
        "Ça m'a aidée à voir ce qu'on offre au-delà du salaire.",
        "{name}, directrice, {phone} ou {email}",
        ("Chantal", "Ginette"),
    ),
    Business(
        "en",
        "Sunrise Bakery",
        ("Baker's helper",),
        {
            "skills": ("strength", "We teach baking. Must be on time, every time."),
            "capacity": ("both", "Early and busy, but done by noon."),
            "pay": ("stressor", "$17/hr. We can't offer benefits yet."),
            "arrangements": ("stressor", "4 am start, weekends required. Hard for people with kids."),
            "values": ("strength", "Real ingredients, no shortcuts."),
            "culture": ("strength", "Two of us and the radio. Quiet and friendly."),
        },
        ("arrangements",),
        "The hours are the problem, not the people. Good to see it written down.",
        "{name}, {phone} after 1 pm",
        ("Sam", "Jordan"),
    ),
    Business(
        "en",
        "Harbour Home Support",
        ("Home support worker",),
        {
            "skills": ("both", "Home support certificate or CCA. Driver's licence required."),
            "capacity": ("both", "Several clients a day, some heavy care."),
            "pay": ("strength", "$20/hr plus mileage, health plan."),
            "arrangements": ("strength", "Days, flexible hours you choose each week. You need a car."),
            "values": ("strength", "Clients stay in their homes with dignity."),
            "culture": ("stressor", "You work alone on the road; we check in by phone every day."),
        },
        ("values", "arrangements"),
        "Clearer on why drivers matter so much for us.",
        "{name}, coordinator, {phone} or {email}",
        ("Nadia", "Riley"),
    ),
    Business(
        "en",
        "Green Acres Landscaping",
        ("Landscaping labourer",),
        {
            "skills": ("strength", "No experience needed. Class 5 is a bonus."),
            "capacity": ("stressor", "Outdoor, physical, in the heat. Not for everyone."),
            "pay": ("strength", "$18-20/hr, plus an end-of-season bonus."),
            "arrangements": ("both", "Seasonal, April to November, days, Monday to Friday. We carpool from town."),
            "values": ("strength", "Proud of our work, tidy sites."),
            "culture": ("strength", "Young crew, lots of laughs, we look out for each other."),
        },
        ("capacity", "pay"),
        "I should say in the ad that we carpool. People think they need a truck.",
        "{name}, text {phone}",
        ("Tariq", "Alex"),
    ),
)

# Words at the consent, share and uses questions, by language and answer (the uses answer by its option value).
REPLIES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "consent": ("Yes", "yes", "ok", "Sure"),
        "share": ("Yes", "yes", "1", "Yes please"),
        "review": ("Looks right", "1", "yes"),
        "both": ("1", "Yes, both", "yes", "sure"),
        "matching": ("2", "Only matches", "just matching"),
        "research": ("3", "Only research", "research only"),
        "none": ("4", "No", "no thanks"),
    },
    "fr": {
        "consent": ("Oui", "oui", "d'accord"),
        "share": ("Oui", "oui", "1"),
        "review": ("C'est bon", "1", "oui"),
        "both": ("1", "Oui, les deux", "oui"),
        "matching": ("2", "Jumelage seulement"),
        "research": ("3", "Recherche seulement"),
        "none": ("4", "Non", "non merci"),
    },
}
